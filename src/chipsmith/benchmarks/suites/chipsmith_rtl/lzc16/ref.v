module lzc16(input [15:0] x, output [4:0] zeros, output all_zero);
  // binary search: halves, quarters, eighths, bit
  wire z8 = (x[15:8] == 8'd0);
  wire [7:0] h8 = z8 ? x[7:0] : x[15:8];
  wire z4 = (h8[7:4] == 4'd0);
  wire [3:0] h4 = z4 ? h8[3:0] : h8[7:4];
  wire z2 = (h4[3:2] == 2'd0);
  wire [1:0] h2 = z2 ? h4[1:0] : h4[3:2];
  wire z1 = ~h2[1];
  assign all_zero = (x == 16'd0);
  assign zeros = all_zero ? 5'd16 : {1'b0, z8, z4, z2, z1};
endmodule
