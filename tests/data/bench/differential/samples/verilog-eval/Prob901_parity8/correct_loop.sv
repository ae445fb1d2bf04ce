module TopModule (input [7:0] in, output reg p);
  integer i;
  always @(*) begin
    p = 1'b0;
    for (i = 0; i < 8; i = i + 1) p = p ^ in[i];
  end
endmodule
