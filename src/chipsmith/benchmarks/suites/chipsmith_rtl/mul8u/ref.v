module mul8u(input [7:0] a, input [7:0] b, output [15:0] p);
  // shift-and-add array
  integer k;
  reg [15:0] acc;
  always @* begin
    acc = 16'd0;
    for (k = 0; k < 8; k = k + 1)
      if (b[k]) acc = acc + ({8'd0, a} << k);
  end
  assign p = acc;
endmodule
