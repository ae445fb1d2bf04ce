module leaf (input a, output y);
  assign y = ~a;
endmodule
module top_port (input a, output y);
  leaf u0 (.a(a), .y(y), .bogus(a));
endmodule
