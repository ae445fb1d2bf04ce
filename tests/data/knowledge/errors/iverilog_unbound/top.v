module top(input a, output y);
  assign y = a & b;
endmodule
