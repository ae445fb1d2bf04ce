// Self-checking testbench for examples/counter/counter.v.
// It drives reset and enable from a 16-bit LFSR (the same sequence in every simulator), keeps its own
// model of the count, compares after every rising edge and ends with the VerilogEval verdict line
// "Mismatches: N in M samples". A watchdog prints TIMEOUT if the run never finishes.
`timescale 1ns / 1ps
module counter_tb;
  localparam integer W = 4;
  localparam integer CYCLES = 200;

  reg clk = 1'b0;
  reg rst = 1'b1;
  reg en = 1'b0;
  wire [W-1:0] q;
  reg [W-1:0] expected = {W{1'b0}};
  integer samples = 0;
  integer mismatches = 0;
  reg [15:0] lfsr = 16'hACE1;
  integer i;

  counter #(.W(W)) dut (.clk(clk), .rst(rst), .en(en), .q(q));

  always #5 clk <= ~clk;

  initial begin
    for (i = 0; i < CYCLES; i = i + 1) begin
      // Change inputs away from the clock edge, then check just after the edge.
      @(negedge clk);
      lfsr = {lfsr[14:0], lfsr[15] ^ lfsr[13] ^ lfsr[12] ^ lfsr[10]};
      rst = (i < 2) || (lfsr[5:0] == 6'd0);
      en = lfsr[9:8] != 2'b00;
      @(posedge clk);
      if (rst) expected = {W{1'b0}};
      else if (en) expected = expected + 1'b1;
      #1;
      samples = samples + 1;
      if (q !== expected) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("mismatch at %0t: q=%0d expected %0d", $time, q, expected);
      end
    end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end

  initial begin
    #100000;
    $display("TIMEOUT");
    $finish;
  end
endmodule
