`timescale 1ns/1ps
module tb;
  reg clk = 0;
  always #5 clk = ~clk;
  reg rst;
  integer samples = 0, mismatches = 0, cyc, seed = 31;
  reg en, up, load;
  reg [7:0] d;
  wire [7:0] q;
  reg [7:0] m;
  counter8 dut(.clk(clk), .rst(rst), .en(en), .up(up), .load(load), .d(d), .q(q));
  always @(posedge clk)
    if (rst) m <= 0;
    else if (load) m <= d;
    else if (en) m <= up ? m + 1 : m - 1;
  task drive;
    begin
      en = ($random(seed) & 3) != 0; up = (cyc / 300) % 2 == 0 ? ($random(seed) & 7) != 0 : ($random(seed) & 7) == 0;
      load = ($random(seed) & 31) == 0; d = $random(seed);
      if (cyc % 97 == 3) begin load = 1; d = 8'hfd; end
      if (cyc % 89 == 7) begin load = 1; d = 8'h02; end
    end
  endtask
  task check;
    begin
      samples = samples + 1;
      if (q !== m) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH cyc=%0d q=%h exp=%h", cyc, q, m);
      end
    end
  endtask
  initial begin #120000; $display("TIMEOUT"); $finish; end
  initial begin
    rst = 1; drive;
    @(negedge clk);
    for (cyc = 0; cyc < 2000; cyc = cyc + 1) begin
      rst = (cyc < 2) || (($random(seed) & 255) == 0);
      drive;
      #1 check;
      @(negedge clk);
    end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
