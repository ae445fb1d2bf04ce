module counter_mod5 #(parameter W = 3) (input clk, input rst_n, input en, output reg [W-1:0] q);
  always @(posedge clk or negedge rst_n)
    if (!rst_n)  q <= {W{1'b0}};
    else if (en) q <= (q == 4) ? {W{1'b0}} : q + 1'b1;
endmodule
