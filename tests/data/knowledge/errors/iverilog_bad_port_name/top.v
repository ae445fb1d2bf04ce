module inv(input a, output y);
  assign y = ~a;
endmodule
module top(input a, output y);
  inv u1(.in(a), .y(y));
endmodule
