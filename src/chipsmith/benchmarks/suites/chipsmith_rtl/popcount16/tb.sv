`timescale 1ns/1ps
module tb;
  reg [15:0] x;
  wire [4:0] count;
  reg [4:0] e;
  integer samples = 0, mismatches = 0, i, k, seed = 14;
  popcount16 dut(.x(x), .count(count));
  task check;
    begin
      #1;
      e = 0;
      for (k = 0; k < 16; k = k + 1) e = e + x[k];
      samples = samples + 1;
      if (count !== e) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH x=%h count=%0d exp=%0d", x, count, e);
      end
    end
  endtask
  initial begin #1000000; $display("TIMEOUT"); $finish; end
  initial begin
    x = 16'h0000; check;
    x = 16'hffff; check;
    for (i = 0; i < 16; i = i + 1) begin x = 16'h1 << i; check; x = ~(16'h1 << i); check; end
    for (i = 0; i < 16; i = i + 1) begin x = (16'hffff >> i); check; end
    for (i = 0; i < 600; i = i + 1) begin x = $random(seed); check; end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
