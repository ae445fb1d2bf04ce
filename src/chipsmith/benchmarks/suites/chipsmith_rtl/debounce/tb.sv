`timescale 1ns/1ps
module tb;
  reg clk = 0;
  always #5 clk = ~clk;
  reg rst;
  integer samples = 0, mismatches = 0, cyc, seed = 43;
  reg noisy;
  wire clean, changed;
  reg mc;
  integer mcnt;
  debounce dut(.clk(clk), .rst(rst), .noisy(noisy), .clean(clean), .changed(changed));
  always @(posedge clk)
    if (rst) begin mc <= 0; mcnt <= 0; end
    else if (noisy == mc) mcnt <= 0;
    else if (mcnt == 3) begin mc <= noisy; mcnt <= 0; end
    else mcnt <= mcnt + 1;
  task drive;
    begin
      // bursts of noise and stable runs of various lengths
      if ((cyc / 40) % 2 == 0) noisy = $random(seed);
      else if (cyc % 7 == 0) noisy = ~noisy;
      if (cyc % 40 == 39 && (cyc / 40) % 2 == 0) noisy = $random(seed);
    end
  endtask
  task check;
    begin
      samples = samples + 1;
      if ({clean, changed} !== {mc, !rst && noisy != mc && mcnt == 3}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH cyc=%0d clean=%b changed=%b exp clean=%b cnt=%0d", cyc, clean, changed, mc, mcnt);
      end
    end
  endtask
  initial begin #140000; $display("TIMEOUT"); $finish; end
  initial begin
    rst = 1; drive;
    @(negedge clk);
    for (cyc = 0; cyc < 4000; cyc = cyc + 1) begin
      rst = (cyc < 2) || (($random(seed) & 255) == 0);
      drive;
      #1 check;
      @(negedge clk);
    end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
