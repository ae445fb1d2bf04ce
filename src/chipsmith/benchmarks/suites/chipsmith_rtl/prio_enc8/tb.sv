`timescale 1ns/1ps
module tb;
  reg [7:0] req;
  wire [2:0] idx;
  wire valid;
  reg [2:0] e_idx;
  reg e_valid;
  integer samples = 0, mismatches = 0, i, k, seed = 12;
  prio_enc8 dut(.req(req), .idx(idx), .valid(valid));
  task check;
    begin
      #1;
      e_idx = 0; e_valid = 0;
      for (k = 7; k >= 0; k = k - 1)
        if (req[k] && !e_valid) begin e_idx = k; e_valid = 1; end
      samples = samples + 1;
      if ({idx, valid} !== {e_idx, e_valid}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH req=%b idx=%0d valid=%b exp %0d %b", req, idx, valid, e_idx, e_valid);
      end
    end
  endtask
  initial begin #1000000; $display("TIMEOUT"); $finish; end
  initial begin
    // every input value, then random repeats
    for (i = 0; i < 256; i = i + 1) begin req = i; check; end
    for (i = 0; i < 100; i = i + 1) begin req = $random(seed); check; end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
