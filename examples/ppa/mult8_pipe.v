// 8x8 unsigned multiplier with registered inputs and a registered product (two pipeline stages).
module mult8_pipe (
    input  wire        clk,
    input  wire [7:0]  a,
    input  wire [7:0]  b,
    output reg  [15:0] p
);
    reg [7:0] a_q, b_q;
    always @(posedge clk) begin
        a_q <= a;
        b_q <= b;
        p   <= a_q * b_q;
    end
endmodule
