module top(input clk, input a, output [1:0] y);
  reg [1:0] r;
  always @(posedge clk) r[0] <= a;
  always @(posedge clk) r[1] = a;
  assign y = r;
endmodule
