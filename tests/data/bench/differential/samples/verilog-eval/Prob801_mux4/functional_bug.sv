module TopModule (
  input [1:0] sel,
  input [3:0] d0, d1, d2, d3,
  output [3:0] y
);
  assign y = sel[0] ? (sel[1] ? d3 : d2) : (sel[1] ? d1 : d0);  // select bits swapped
endmodule
