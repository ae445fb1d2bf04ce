module popcount4 (input [3:0] in, output reg [2:0] count);
  integer i;
  always @(*) begin
    count = 0;
    for (i = 0; i < 4; i = i + 1) count = count + in[i];
  end
endmodule
