// planted bug: fall is never reported
module edge_detect(input clk, input rst, input sig, output rise, output fall, output any_edge);
  reg prev;
  always @(posedge clk) prev <= rst ? 1'b0 : sig;
  assign rise = sig & ~prev;
  assign fall = 1'b0;
  assign any_edge = rise | fall;
endmodule
