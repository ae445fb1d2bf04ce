`timescale 1ns/1ps
module tb;
  reg clk = 0;
  always #5 clk = ~clk;
  reg rst;
  integer samples = 0, mismatches = 0, cyc, seed = 37;
  reg [7:0] period;
  wire tick;
  wire [7:0] remaining;
  reg [7:0] m;
  tick_timer dut(.clk(clk), .rst(rst), .period(period), .tick(tick), .remaining(remaining));
  always @(posedge clk)
    if (rst) m <= period;
    else if (m == 0) m <= period;
    else m <= m - 1;
  task drive;
    begin
      if (cyc % 200 == 0) period = ($random(seed) & 7);
      if (cyc % 200 == 100) period = $random(seed);
      if (cyc % 600 == 10) period = 0;
      if (cyc % 600 == 30) period = 1;
      if ((cyc % 200 > 100) && (cyc % 5 == 0)) period = $random(seed) & 15;
    end
  endtask
  task check;
    begin
      samples = samples + 1;
      if ({tick, remaining} !== {m == 0, m}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH cyc=%0d rem=%0d tick=%b exp=%0d", cyc, remaining, tick, m);
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
