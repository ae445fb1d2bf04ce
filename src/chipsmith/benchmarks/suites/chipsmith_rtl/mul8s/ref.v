module mul8s(input signed [7:0] a, input signed [7:0] b, output signed [15:0] p);
  // Baugh-Wooley style: unsigned magnitude product, then restore the sign
  wire na = a[7], nb = b[7];
  wire [7:0] ma = na ? (~a + 8'd1) : a;
  wire [7:0] mb = nb ? (~b + 8'd1) : b;
  wire [15:0] mp = ma * mb;
  assign p = (na ^ nb) ? (~mp + 16'd1) : mp;
endmodule
