module inv(input a, input b, output y);
  assign y = ~a & b;
endmodule
module top(input a, output y);
  inv u1(.a(a), .y(y));
endmodule
