module tick_timer(input clk, input rst, input [7:0] period, output tick, output reg [7:0] remaining);
  assign tick = (remaining == 8'd0);
  always @(posedge clk) begin
    if (rst || tick) remaining <= period;
    else remaining <= remaining - 8'd1;
  end
endmodule
