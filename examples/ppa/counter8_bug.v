// counter8_toggle.v with one wrong gate: bit 5's carry ignores bit 4 (so it flips too early).
module counter8_bug (
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
            if (i == 4) begin : bad
                assign carry[i+1] = carry[i];
            end else begin : good
                assign carry[i+1] = carry[i] & q[i];
            end
        end
    endgenerate
    always @(posedge clk) begin
        if (rst) q <= 8'd0;
        else     q <= q ^ carry[7:0];
    end
    assign count = q;
endmodule
