module rr_arbiter4(input clk, input rst, input [3:0] req, output [3:0] grant, output [1:0] grant_idx, output any_grant);
  reg [1:0] ptr;
  // rotate requests so that ptr sits at bit 0, pick the lowest set bit, rotate back
  wire [7:0] dbl = {req, req} >> ptr;
  wire [3:0] rot = dbl[3:0];
  wire [1:0] off = rot[0] ? 2'd0 : rot[1] ? 2'd1 : rot[2] ? 2'd2 : 2'd3;
  assign any_grant = |req;
  assign grant_idx = any_grant ? ptr + off : 2'd0;
  assign grant = any_grant ? (4'b0001 << grant_idx) : 4'b0000;
  always @(posedge clk) begin
    if (rst) ptr <= 2'd0;
    else if (any_grant) ptr <= grant_idx + 2'd1;
  end
endmodule
