module RefModule (
  input clk,
  input d,
  output logic q
);
  always_ff @(posedge clk) q <= d;
  cover property (@(posedge clk) d && !q);
endmodule
