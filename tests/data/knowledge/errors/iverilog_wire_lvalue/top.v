module top(input clk, input a, output y);
  wire q;
  always @(posedge clk) q <= a;
  assign y = q;
endmodule
