module RefModule (
  input [1:0] sel,
  input [3:0] d0,
  input [3:0] d1,
  input [3:0] d2,
  input [3:0] d3,
  output [3:0] y
);
  assign y = sel[1] ? (sel[0] ? d3 : d2) : (sel[0] ? d1 : d0);
endmodule
