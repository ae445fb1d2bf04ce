module alu8(input [7:0] a, input [7:0] b, input [2:0] op, output reg [7:0] y, output zero);
  wire [7:0] diff = a - b;
  // signed less-than from the subtraction's sign and overflow
  wire lt = (a[7] != b[7]) ? a[7] : diff[7];
  always @* begin
    case (op)
      3'd0: y = a + b;
      3'd1: y = diff;
      3'd2: y = a & b;
      3'd3: y = a | b;
      3'd4: y = a ^ b;
      3'd5: y = {7'd0, lt};
      3'd6: y = a << b[2:0];
      default: y = a >> b[2:0];
    endcase
  end
  assign zero = (y == 8'd0);
endmodule
