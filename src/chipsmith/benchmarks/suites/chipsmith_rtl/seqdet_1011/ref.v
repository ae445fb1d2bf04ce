module seqdet_1011(input clk, input rst, input en, input din, output reg detected);
  // state = longest prefix of 1011 matched by the stream's suffix
  localparam S0 = 2'd0, S1 = 2'd1, S10 = 2'd2, S101 = 2'd3;
  reg [1:0] state;
  reg [1:0] nxt;
  always @* begin
    case (state)
      S0: nxt = din ? S1 : S0;
      S1: nxt = din ? S1 : S10;
      S10: nxt = din ? S101 : S0;
      default: nxt = din ? S1 : S10;
    endcase
  end
  always @(posedge clk) begin
    if (rst) begin
      state <= S0; detected <= 1'b0;
    end else begin
      detected <= en && state == S101 && din;
      if (en) state <= nxt;
    end
  end
endmodule
