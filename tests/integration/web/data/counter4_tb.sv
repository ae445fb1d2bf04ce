`timescale 1ns/1ps
// Checks counter4 against a count kept in the testbench; prints the time of every wrong value.
module tb;
  reg clk = 0, rst = 1;
  wire [3:0] q;
  reg [3:0] want;
  integer nbad = 0, nchk = 0, k;
  counter4 dut(.clk(clk), .rst(rst), .q(q));
  always #5 clk = ~clk;
  initial begin
    want = 0;
    @(negedge clk); rst = 0;
    for (k = 0; k < 24; k = k + 1) begin
      @(posedge clk); want = want + 1;
      @(negedge clk); nchk = nchk + 1;
      if (q !== want) begin
        nbad = nbad + 1;
        if (nbad <= 3) $display("ERROR: q mismatch at time=%0t got %0d want %0d", $time, q, want);
      end
    end
    $display("Mismatches: %0d in %0d samples", nbad, nchk);
    $finish;
  end
endmodule
