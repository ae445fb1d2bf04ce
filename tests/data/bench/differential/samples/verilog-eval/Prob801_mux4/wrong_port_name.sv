module TopModule (
  input [1:0] sel,
  input [3:0] d0, d1, d2, d3,
  output [3:0] z
);
  assign z = sel[1] ? (sel[0] ? d3 : d2) : (sel[0] ? d1 : d0);
endmodule
