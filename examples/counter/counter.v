// A W-bit up-counter with synchronous reset, enable and wrap-around: the bundled example design.
`timescale 1ns / 1ps
module counter #(
    parameter integer W = 4
) (
    input  wire         clk,
    input  wire         rst,
    input  wire         en,
    output reg  [W-1:0] q
);
  always @(posedge clk) begin
    if (rst) q <= {W{1'b0}};
    else if (en) q <= q + 1'b1;
  end
endmodule
