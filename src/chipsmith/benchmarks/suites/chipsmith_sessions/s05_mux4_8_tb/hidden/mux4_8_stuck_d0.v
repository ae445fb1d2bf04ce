// planted bug: select 1 also gives d0
module mux4_8(input [7:0] d0, input [7:0] d1, input [7:0] d2, input [7:0] d3, input [1:0] sel, output [7:0] y);
  assign y = sel[1] ? (sel[0] ? d3 : d2) : d0;
endmodule
