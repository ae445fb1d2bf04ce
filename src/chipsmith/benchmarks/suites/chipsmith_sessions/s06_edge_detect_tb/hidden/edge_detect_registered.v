// planted bug: the outputs come one cycle late (registered instead of combinational)
module edge_detect(input clk, input rst, input sig, output reg rise, output reg fall, output any_edge);
  reg prev;
  always @(posedge clk) begin
    prev <= rst ? 1'b0 : sig;
    rise <= rst ? 1'b0 : sig & ~prev;
    fall <= rst ? 1'b0 : ~sig & prev;
  end
  assign any_edge = rise | fall;
endmodule
