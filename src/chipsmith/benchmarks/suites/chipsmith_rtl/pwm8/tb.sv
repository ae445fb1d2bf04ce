`timescale 1ns/1ps
module tb;
  reg clk = 0;
  always #5 clk = ~clk;
  reg rst;
  integer samples = 0, mismatches = 0, cyc, seed = 36;
  reg [7:0] duty;
  wire pwm, period_start;
  wire [7:0] count;
  reg [7:0] m;
  pwm8 dut(.clk(clk), .rst(rst), .duty(duty), .pwm(pwm), .count(count), .period_start(period_start));
  always @(posedge clk) m <= rst ? 0 : m + 1;
  task drive;
    begin
      if (cyc % 3 == 0) duty = $random(seed);
      if (cyc % 3 == 1) duty = m + ($random(seed) % 2);
      if (cyc % 512 == 100) duty = 0;
      if (cyc % 512 == 300) duty = 255;
    end
  endtask
  task check;
    begin
      samples = samples + 1;
      if ({pwm, count, period_start} !== {m < duty, m, m == 0}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH cyc=%0d count=%0d duty=%0d pwm=%b", cyc, count, duty, pwm);
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
