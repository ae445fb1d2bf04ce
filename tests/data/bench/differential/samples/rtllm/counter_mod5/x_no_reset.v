module counter_mod5 #(parameter W = 3) (input clk, input rst_n, input en, output reg [W-1:0] q);
  always @(posedge clk)  // no reset at all: q starts X and stays X
    if (en) q <= (q == 4) ? 0 : q + 1'b1;
endmodule
