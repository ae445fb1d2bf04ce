// The same 8-bit counter built from toggle logic: bit i flips when en and all lower bits are 1.
module counter8_toggle (
    input  wire       clk,
    input  wire       rst,
    input  wire       en,
    output wire [7:0] count
);
    reg  [7:0] q;
    wire [8:0] carry;
    assign carry[0] = en;
    genvar i;
    generate
        for (i = 0; i < 8; i = i + 1) begin : bit_
            assign carry[i+1] = carry[i] & q[i];
        end
    endgenerate
    always @(posedge clk) begin
        if (rst) q <= 8'd0;
        else     q <= q ^ carry[7:0];
    end
    assign count = q;
endmodule
