module top(input a, output y);
  wire t;
  wire t;
  assign t = a;
  assign y = t;
endmodule
