module top(input a, output y);
  reg r;
  assign r = a;
  assign y = r;
endmodule
