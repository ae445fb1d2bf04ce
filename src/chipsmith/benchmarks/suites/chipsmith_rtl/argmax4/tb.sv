`timescale 1ns/1ps
module tb;
  reg [31:0] x;
  wire signed [7:0] max_val;
  wire [1:0] max_idx;
  reg signed [7:0] ev;
  reg [1:0] ei;
  integer samples = 0, mismatches = 0, i, k, seed = 76;
  argmax4 dut(.x(x), .max_val(max_val), .max_idx(max_idx));
  task check;
    begin
      #1;
      ev = x[7:0]; ei = 0;
      for (k = 1; k < 4; k = k + 1)
        if ($signed(x[8*k +: 8]) > ev) begin ev = x[8*k +: 8]; ei = k; end
      samples = samples + 1;
      if ({max_val, max_idx} !== {ev, ei}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH x=%h max=%0d idx=%0d exp %0d %0d", x, max_val, max_idx, ev, ei);
      end
    end
  endtask
  initial begin #1000000; $display("TIMEOUT"); $finish; end
  initial begin
    x = 32'h80808080; check; x = 32'h7f7f7f7f; check; x = 32'h00000000; check;
    x = 32'h7f808080; check; x = 32'h807f8080; check; x = 32'h80807f80; check; x = 32'h8080807f; check;
    x = 32'hff00ff00; check; x = 32'h00ff00ff; check; x = 32'h01800180; check;
    for (i = 0; i < 800; i = i + 1) begin
      x = $random(seed);
      if (i % 4 == 0) x[8*(i % 3) +: 8] = x[31:24];          // ties
      if (i % 5 == 0) x = x ^ 32'h80808080;                   // sign mix
      check;
    end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
