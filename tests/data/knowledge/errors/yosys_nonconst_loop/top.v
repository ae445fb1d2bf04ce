module top(input [3:0] n, input [7:0] d, output reg y);
  integer i;
  always @* begin
    y = 1'b0;
    for (i = 0; i < n; i = i + 1) y = y ^ d[i];
  end
endmodule
