`timescale 1ns/1ps
module tb;
  reg [7:0] x;
  reg [2:0] amt;
  reg left;
  wire [7:0] y;
  reg [7:0] e;
  integer samples = 0, mismatches = 0, i, k, seed = 17;
  rot8 dut(.x(x), .amt(amt), .left(left), .y(y));
  task check;
    begin
      #1;
      e = x;
      for (k = 0; k < amt; k = k + 1) e = left ? {e[6:0], e[7]} : {e[0], e[7:1]};
      samples = samples + 1;
      if (y !== e) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH x=%b amt=%0d left=%b y=%b exp=%b", x, amt, left, y, e);
      end
    end
  endtask
  initial begin #1000000; $display("TIMEOUT"); $finish; end
  initial begin
    for (i = 0; i < 16; i = i + 1) begin x = 8'b1000_0001; {left, amt} = i; check; x = 8'b0000_0110; check; end
    for (i = 0; i < 500; i = i + 1) begin x = $random(seed); {left, amt} = $random(seed); check; end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
