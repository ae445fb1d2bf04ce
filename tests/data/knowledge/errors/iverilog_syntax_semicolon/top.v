module top(input a, output y);
  wire t
  assign y = a;
endmodule
