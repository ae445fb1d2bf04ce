module top(input a, output y, output z);
  assign y = a;
endmodule
