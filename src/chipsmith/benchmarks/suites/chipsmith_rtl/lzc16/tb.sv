`timescale 1ns/1ps
module tb;
  reg [15:0] x;
  wire [4:0] zeros;
  wire all_zero;
  reg [4:0] e;
  reg found;
  integer samples = 0, mismatches = 0, i, k, seed = 16;
  lzc16 dut(.x(x), .zeros(zeros), .all_zero(all_zero));
  task check;
    begin
      #1;
      e = 0; found = 0;
      for (k = 15; k >= 0; k = k - 1) begin
        if (x[k]) found = 1;
        if (!found) e = e + 1;
      end
      samples = samples + 1;
      if ({zeros, all_zero} !== {e, (x == 16'd0)}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH x=%h zeros=%0d all_zero=%b exp=%0d", x, zeros, all_zero, e);
      end
    end
  endtask
  initial begin #1000000; $display("TIMEOUT"); $finish; end
  initial begin
    x = 0; check;
    for (i = 0; i < 16; i = i + 1) begin x = 16'h1 << i; check; x = 16'hffff >> i; check; end
    for (i = 0; i < 400; i = i + 1) begin x = $random(seed); x = x >> ($random(seed) & 15); check; end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
