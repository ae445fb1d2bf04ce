`timescale 1ns/1ps
module tb;
  reg signed [7:0] a, b;
  wire signed [15:0] p;
  reg signed [15:0] e;
  integer samples = 0, mismatches = 0, i, seed = 24;
  mul8s dut(.a(a), .b(b), .p(p));
  task check;
    begin
      #1;
      e = a * b;
      samples = samples + 1;
      if (p !== e) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH a=%0d b=%0d p=%0d exp=%0d", a, b, p, e);
      end
    end
  endtask
  initial begin #1000000; $display("TIMEOUT"); $finish; end
  initial begin
    a = -128; b = -128; check; a = -128; b = 127; check; a = 127; b = 127; check;
    a = -1; b = -1; check; a = -1; b = 1; check; a = 0; b = -128; check; a = -128; b = 1; check;
    a = 1; b = -128; check; a = 64; b = -2; check;
    for (i = 0; i < 800; i = i + 1) begin a = $random(seed); b = $random(seed); check; end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
