// Non-ANSI ports and a parameter, as several RTLLM references are written.
module verified_counter_mod5 (clk, rst_n, en, q);
    parameter W = 3;
    input clk;
    input rst_n;
    input en;
    output reg [W-1:0] q;

    always @(posedge clk or negedge rst_n)
        if (!rst_n) q <= 0;
        else if (en) q <= (q == 4) ? 0 : q + 1;
endmodule
