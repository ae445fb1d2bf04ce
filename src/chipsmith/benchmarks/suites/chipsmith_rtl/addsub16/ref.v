module addsub16(input [15:0] a, input [15:0] b, input sub, output [15:0] y, output carry, output overflow);
  wire [15:0] bx = sub ? ~b : b;
  assign {carry, y} = {1'b0, a} + {1'b0, bx} + {16'd0, sub};
  assign overflow = (a[15] == bx[15]) && (y[15] != a[15]);
endmodule
