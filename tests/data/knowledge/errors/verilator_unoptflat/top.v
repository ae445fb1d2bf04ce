module top(input a, output y);
  wire [1:0] x;
  assign x[0] = a ^ x[1];
  assign x[1] = x[0];
  assign y = x[1];
endmodule
