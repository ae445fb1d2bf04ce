module TopModule (
  input [1:0] sel,
  input [3:0] d0, d1, d2, d3,
  output reg [3:0] y
);
  always @(*)
    case (sel)
      2'd0: y = d0;
      2'd1: y = d1;
      2'd2: y = d2;
      default: y = d3;
    endcase
endmodule
