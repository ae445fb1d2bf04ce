`timescale 1ns/1ps
module tb;
  reg [7:0] x;
  wire [3:0] count;
  integer samples = 0, mismatches = 0, i, j, ones;

  popcnt8 dut(.x(x), .count(count));

  initial begin
    // Exhaustive: 256 input values.
    for (i = 0; i < 256; i = i + 1) begin
      x = i;
      #1;
      ones = 0;
      for (j = 0; j < 8; j = j + 1) ones = ones + ((i >> j) & 1);
      samples = samples + 1;
      if (count !== ones[3:0]) mismatches = mismatches + 1;
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
