module relu_requant(input signed [31:0] x, input [15:0] mult, input [4:0] shift, output [7:0] y);
  wire pos = ~x[31] & (|x[30:0]);
  wire [46:0] p = x[30:0] * mult;
  wire [47:0] half = (shift == 5'd0) ? 48'd0 : (48'd1 << (shift - 5'd1));
  wire [47:0] r = ({1'b0, p} + half) >> shift;
  assign y = !pos ? 8'd0 : (r > 48'd127) ? 8'd127 : r[7:0];
endmodule
