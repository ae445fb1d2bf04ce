module TopModule (input clk, input reset, input en, output reg [3:0] q);
  always @(posedge clk) begin
    case (1'b1)
      reset:         q <= 4'd0;
      en && q == 9:  q <= 4'd0;
      en:            q <= q + 4'd1;
      default:       q <= q;
    endcase
  end
endmodule
