// counter4 with a planted bug: it wraps after 9 instead of counting on to 15.
module counter4(input clk, input rst, output reg [3:0] q);
  always @(posedge clk)
    if (rst || q == 4'd9) q <= 4'd0;
    else q <= q + 4'd1;
endmodule
