module matmul2x2_i8(input clk, input rst, input in_valid, input [31:0] a, input [31:0] b, output reg out_valid, output reg [67:0] c);
  wire signed [7:0] a00 = a[7:0], a01 = a[15:8], a10 = a[23:16], a11 = a[31:24];
  wire signed [7:0] b00 = b[7:0], b01 = b[15:8], b10 = b[23:16], b11 = b[31:24];
  wire signed [16:0] c00 = a00 * b00 + a01 * b10;
  wire signed [16:0] c01 = a00 * b01 + a01 * b11;
  wire signed [16:0] c10 = a10 * b00 + a11 * b10;
  wire signed [16:0] c11 = a10 * b01 + a11 * b11;
  always @(posedge clk) begin
    if (rst) begin
      out_valid <= 1'b0; c <= 68'd0;
    end else begin
      out_valid <= in_valid;
      if (in_valid) c <= {c11, c10, c01, c00};
    end
  end
endmodule
