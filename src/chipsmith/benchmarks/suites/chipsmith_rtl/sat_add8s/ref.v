module sat_add8s(input signed [7:0] a, input signed [7:0] b, output signed [7:0] y, output sat);
  wire [7:0] s = a + b;
  wire pos_ovf = ~a[7] & ~b[7] & s[7];
  wire neg_ovf = a[7] & b[7] & ~s[7];
  assign sat = pos_ovf | neg_ovf;
  assign y = pos_ovf ? 8'h7f : (neg_ovf ? 8'h80 : s);
endmodule
