`timescale 1ns/1ps
module tb;
  reg [2:0] sel;
  reg en;
  wire [7:0] y;
  reg [7:0] e;
  integer samples = 0, mismatches = 0, i, seed = 13;
  dec3to8 dut(.sel(sel), .en(en), .y(y));
  task check;
    begin
      #1;
      e = 8'd0;
      if (en) e[sel] = 1'b1;
      samples = samples + 1;
      if (y !== e) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH sel=%0d en=%b y=%b exp=%b", sel, en, y, e);
      end
    end
  endtask
  initial begin #1000000; $display("TIMEOUT"); $finish; end
  initial begin
    for (i = 0; i < 16; i = i + 1) begin {en, sel} = i; check; end
    for (i = 0; i < 64; i = i + 1) begin {en, sel} = $random(seed); check; end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
