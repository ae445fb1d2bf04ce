`timescale 1ns/1ps
module tb;
  reg [7:0] a, b;
  wire [7:0] y;
  wire clamped;
  reg [7:0] e;
  integer samples = 0, mismatches = 0, i, seed = 26;
  sat_sub8u dut(.a(a), .b(b), .y(y), .clamped(clamped));
  task check;
    begin
      #1;
      e = (a >= b) ? a - b : 8'd0;
      samples = samples + 1;
      if ({y, clamped} !== {e, a < b}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH a=%0d b=%0d y=%0d c=%b exp=%0d", a, b, y, clamped, e);
      end
    end
  endtask
  initial begin #1000000; $display("TIMEOUT"); $finish; end
  initial begin
    a = 0; b = 0; check; a = 0; b = 1; check; a = 1; b = 0; check; a = 255; b = 255; check;
    a = 254; b = 255; check; a = 255; b = 0; check; a = 128; b = 129; check; a = 129; b = 128; check;
    for (i = 0; i < 600; i = i + 1) begin a = $random(seed); b = $random(seed); if (i % 5 == 0) b = a + (i % 3) - 1; check; end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
