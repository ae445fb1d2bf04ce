module cmp8(input [7:0] a, input [7:0] b, input is_signed, output lt, output eq, output gt);
  // flipping the sign bits turns a signed comparison into an unsigned one
  wire [7:0] ax = {a[7] ^ is_signed, a[6:0]};
  wire [7:0] bx = {b[7] ^ is_signed, b[6:0]};
  assign eq = (a == b);
  assign lt = (ax < bx);
  assign gt = (ax > bx);
endmodule
