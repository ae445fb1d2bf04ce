module regfile8x8(input clk, input rst, input we, input [2:0] waddr, input [7:0] wdata,
                  input [2:0] raddr_a, input [2:0] raddr_b, output [7:0] rdata_a, output [7:0] rdata_b);
  reg [7:0] r [1:7];
  integer k;
  always @(posedge clk) begin
    if (rst) begin
      for (k = 1; k < 8; k = k + 1) r[k] <= 8'd0;
    end else if (we && waddr != 3'd0) begin
      r[waddr] <= wdata;
    end
  end
  assign rdata_a = (raddr_a == 3'd0) ? 8'd0 : r[raddr_a];
  assign rdata_b = (raddr_b == 3'd0) ? 8'd0 : r[raddr_b];
endmodule
