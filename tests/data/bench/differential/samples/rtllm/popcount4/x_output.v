module popcount4 (input [3:0] in, output [2:0] count);
  // count is never driven
endmodule
