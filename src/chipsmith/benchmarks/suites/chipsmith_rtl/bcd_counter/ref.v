module bcd_counter(input clk, input rst, input en, output reg [3:0] tens, output reg [3:0] ones, output carry);
  wire ones_wrap = (ones == 4'd9);
  assign carry = en & ones_wrap & (tens == 4'd9);
  always @(posedge clk) begin
    if (rst) begin
      tens <= 4'd0; ones <= 4'd0;
    end else if (en) begin
      if (ones_wrap) begin
        ones <= 4'd0;
        tens <= (tens == 4'd9) ? 4'd0 : tens + 4'd1;
      end else begin
        ones <= ones + 4'd1;
      end
    end
  end
endmodule
