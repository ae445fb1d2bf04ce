module top(input a, output y);
  inverter u1(.a(a), .y(y));
endmodule
