module sipo8(input clk, input rst, input en, input din, output reg [7:0] q, output dout);
  assign dout = q[7];
  always @(posedge clk) begin
    if (rst) q <= 8'd0;
    else if (en) q <= {q[6:0], din};
  end
endmodule
