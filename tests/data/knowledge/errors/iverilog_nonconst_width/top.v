module top(input [3:0] n, output y);
  wire [n:0] w;
  assign y = w[0];
endmodule
