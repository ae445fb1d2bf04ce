module seqdet101(input clk, input rst, input din, output reg det);
  // state = how much of "101" the recent bits match: 0 none, 1 "1", 2 "10".
  reg [1:0] state;
  always @(posedge clk) begin
    if (rst) begin
      state <= 2'd0;
      det <= 1'b0;
    end else begin
      det <= (state == 2'd2) && din;
      case (state)
        2'd0: state <= din ? 2'd1 : 2'd0;
        2'd1: state <= din ? 2'd1 : 2'd2;
        default: state <= din ? 2'd1 : 2'd0;
      endcase
    end
  end
endmodule
