`timescale 1ns/1ps
module tb;
  reg signed [7:0] a, b;
  wire signed [7:0] y;
  wire sat;
  reg signed [7:0] e;
  reg es;
  integer samples = 0, mismatches = 0, i, s, seed = 25;
  sat_add8s dut(.a(a), .b(b), .y(y), .sat(sat));
  task check;
    begin
      #1;
      s = a + b;
      es = 0;
      if (s > 127) begin e = 127; es = 1; end
      else if (s < -128) begin e = -128; es = 1; end
      else e = s;
      samples = samples + 1;
      if ({y, sat} !== {e, es}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH a=%0d b=%0d y=%0d sat=%b exp=%0d %b", a, b, y, sat, e, es);
      end
    end
  endtask
  initial begin #1000000; $display("TIMEOUT"); $finish; end
  initial begin
    a = 127; b = 0; check; a = 127; b = 1; check; a = -128; b = 0; check; a = -128; b = -1; check;
    a = -128; b = -128; check; a = 127; b = 127; check; a = 100; b = 27; check; a = 100; b = 28; check;
    a = -100; b = -28; check; a = -100; b = -29; check; a = -1; b = 1; check; a = 64; b = 64; check;
    for (i = 0; i < 800; i = i + 1) begin a = $random(seed); b = $random(seed); check; end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
