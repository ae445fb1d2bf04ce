module top(input clk, output reg y);
  initial y <= 1'b0;
  always @(posedge clk) y <= ~y;
endmodule
