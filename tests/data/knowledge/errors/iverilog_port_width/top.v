module add8(input [7:0] a, output [7:0] y);
  assign y = a + 8'd1;
endmodule
module top(input [3:0] a, output [7:0] y);
  add8 u1(.a(a), .y(y));
endmodule
