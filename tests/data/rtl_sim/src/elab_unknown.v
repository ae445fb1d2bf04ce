module top_unknown (input a, output y);
  nothere u0 (.a(a), .y(y));
endmodule
