module top(input clk, input clk2, input a, input b, output reg [1:0] y);
  always @(posedge clk) y[0] <= a;
  always @(posedge clk2) y <= {b, b};
endmodule
