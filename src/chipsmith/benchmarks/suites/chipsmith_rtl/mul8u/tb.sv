`timescale 1ns/1ps
module tb;
  reg [7:0] a, b;
  wire [15:0] p;
  reg [15:0] e;
  integer samples = 0, mismatches = 0, i, seed = 23;
  mul8u dut(.a(a), .b(b), .p(p));
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
    a = 0; b = 0; check; a = 255; b = 255; check; a = 255; b = 1; check; a = 1; b = 255; check;
    a = 128; b = 2; check; a = 16; b = 16; check;
    for (i = 0; i < 8; i = i + 1) begin a = 8'h1 << i; b = 8'hff; check; a = 8'hff; b = 8'h1 << i; check; end
    for (i = 0; i < 800; i = i + 1) begin a = $random(seed); b = $random(seed); check; end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
