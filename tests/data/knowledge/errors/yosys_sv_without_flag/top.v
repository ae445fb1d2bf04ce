module top(input logic clk, input logic a, output logic y);
  always_ff @(posedge clk) y <= a;
endmodule
