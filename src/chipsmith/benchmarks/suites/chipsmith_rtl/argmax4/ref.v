module argmax4(input [31:0] x, output signed [7:0] max_val, output [1:0] max_idx);
  wire signed [7:0] x0 = x[7:0], x1 = x[15:8], x2 = x[23:16], x3 = x[31:24];
  // tournament: (0 vs 1), (2 vs 3), then the winners; ">" keeps the lower index on ties
  wire w01 = x1 > x0;
  wire w23 = x3 > x2;
  wire signed [7:0] m01 = w01 ? x1 : x0;
  wire signed [7:0] m23 = w23 ? x3 : x2;
  wire hi = m23 > m01;
  assign max_val = hi ? m23 : m01;
  assign max_idx = hi ? {1'b1, w23} : {1'b0, w01};
endmodule
