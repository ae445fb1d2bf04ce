// planted bug: pwm is high for count <= duty (one cycle too long)
module pwm8(input clk, input rst, input [7:0] duty, output pwm, output reg [7:0] count, output period_start);
  always @(posedge clk) count <= rst ? 8'd0 : count + 8'd1;
  assign pwm = count <= duty;
  assign period_start = count == 8'd0;
endmodule
