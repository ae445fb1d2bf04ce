`timescale 1ns/1ps
module tb;
  reg clk = 0;
  always #5 clk = ~clk;
  reg rst;
  integer samples = 0, mismatches = 0, cyc, seed = 32;
  reg en;
  wire [3:0] tens, ones;
  wire carry;
  integer m;
  reg [3:0] et, eo;
  bcd_counter dut(.clk(clk), .rst(rst), .en(en), .tens(tens), .ones(ones), .carry(carry));
  always @(posedge clk)
    if (rst) m <= 0;
    else if (en) m <= (m + 1) % 100;
  task drive;
    begin
      en = ($random(seed) & 7) != 0;
    end
  endtask
  task check;
    begin
      et = m / 10; eo = m % 10;
      samples = samples + 1;
      if ({tens, ones, carry} !== {et, eo, en && m == 99}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH cyc=%0d got %0d%0d c=%b exp %0d", cyc, tens, ones, carry, m);
      end
    end
  endtask
  initial begin #130000; $display("TIMEOUT"); $finish; end
  initial begin
    rst = 1; drive;
    @(negedge clk);
    for (cyc = 0; cyc < 3000; cyc = cyc + 1) begin
      rst = (cyc < 2) || (($random(seed) & 255) == 0);
      drive;
      #1 check;
      @(negedge clk);
    end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
