module warn (input clk, input [7:0] a, output [3:0] y);
  wire unused_w;
  assign y = a;
endmodule
