module top(input [7:0] a, output y);
  assign y = a[0];
endmodule
