module edge_detect(input clk, input rst, input sig, output rise, output fall, output any_edge);
  reg prev;
  always @(posedge clk) prev <= rst ? 1'b0 : sig;
  assign rise = sig & ~prev;
  assign fall = ~sig & prev;
  assign any_edge = rise | fall;
endmodule
