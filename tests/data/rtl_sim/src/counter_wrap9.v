// A wrong counter for the mismatch tests: it wraps after 9 instead of 15.
module counter #(
    parameter integer W = 4
) (
    input  wire         clk,
    input  wire         rst,
    input  wire         en,
    output reg  [W-1:0] q
);
  always @(posedge clk) begin
    if (rst || (en && q == 9)) q <= {W{1'b0}};
    else if (en) q <= q + 1'b1;
  end
endmodule
