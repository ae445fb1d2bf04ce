module sat_sub8u(input [7:0] a, input [7:0] b, output [7:0] y, output clamped);
  wire [8:0] d = {1'b0, a} - {1'b0, b};
  assign clamped = d[8];
  assign y = clamped ? 8'd0 : d[7:0];
endmodule
