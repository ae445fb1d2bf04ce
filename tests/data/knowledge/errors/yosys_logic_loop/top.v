module top(input a, output y);
  wire t;
  assign t = ~(a & t);
  assign y = t;
endmodule
