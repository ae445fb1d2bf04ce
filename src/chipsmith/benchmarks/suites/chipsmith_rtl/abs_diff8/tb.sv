`timescale 1ns/1ps
module tb;
  reg [7:0] a, b;
  wire [7:0] d;
  reg [7:0] e;
  integer samples = 0, mismatches = 0, i, seed = 27;
  abs_diff8 dut(.a(a), .b(b), .d(d));
  task check;
    begin
      #1;
      if (a > b) e = a - b; else e = b - a;
      samples = samples + 1;
      if (d !== e) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH a=%0d b=%0d d=%0d exp=%0d", a, b, d, e);
      end
    end
  endtask
  initial begin #1000000; $display("TIMEOUT"); $finish; end
  initial begin
    a = 0; b = 0; check; a = 0; b = 255; check; a = 255; b = 0; check; a = 7; b = 8; check; a = 8; b = 7; check;
    for (i = 0; i < 600; i = i + 1) begin a = $random(seed); b = $random(seed); if (i % 5 == 0) b = a + (i % 3) - 1; check; end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
