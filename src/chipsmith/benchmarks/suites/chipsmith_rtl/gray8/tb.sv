`timescale 1ns/1ps
module tb;
  reg [7:0] bin, gray;
  wire [7:0] to_gray, to_bin;
  reg [7:0] eg, eb;
  integer samples = 0, mismatches = 0, i, k, seed = 15;
  gray8 dut(.bin(bin), .gray(gray), .to_gray(to_gray), .to_bin(to_bin));
  task check;
    begin
      #1;
      for (k = 0; k < 8; k = k + 1) eg[k] = (k == 7) ? bin[7] : (bin[k] != bin[k+1]);
      eb = 0;
      for (k = 7; k >= 0; k = k - 1) eb[k] = ^(gray >> k);
      samples = samples + 1;
      if ({to_gray, to_bin} !== {eg, eb}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH bin=%h gray=%h to_gray=%h to_bin=%h exp %h %h", bin, gray, to_gray, to_bin, eg, eb);
      end
    end
  endtask
  initial begin #1000000; $display("TIMEOUT"); $finish; end
  initial begin
    for (i = 0; i < 256; i = i + 1) begin bin = i; gray = 255 - i; check; end
    for (i = 0; i < 200; i = i + 1) begin bin = $random(seed); gray = $random(seed); check; end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
