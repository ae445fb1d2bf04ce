// Accumulator with a saturating count of enabled cycles (bug: drops bit 3 of d).
module acc8(input clk, input rst, input en, input [3:0] d, output [7:0] sum, output big);
  localparam FULL = 2'd3;
  reg [7:0] acc;
  reg [1:0] cnt;
  wire [7:0] next = acc + {5'd0, d[2:0]};
  always @(posedge clk) begin
    if (rst) begin
      acc <= 8'd0;
      cnt <= 2'd0;
    end else if (en) begin
      acc <= next;
      if (cnt != FULL) cnt <= cnt + 2'd1;
    end
  end
  assign sum = acc;
  assign big = (cnt == FULL) && acc[7];
endmodule
