`timescale 1ns/1ps
module tb;
  reg clk = 0;
  always #5 clk = ~clk;
  reg rst;
  integer samples = 0, mismatches = 0, cyc, seed = 71;
  reg clear, en;
  reg signed [7:0] a, b;
  wire signed [19:0] acc;
  reg signed [19:0] m;
  mac8 dut(.clk(clk), .rst(rst), .clear(clear), .en(en), .a(a), .b(b), .acc(acc));
  always @(posedge clk)
    if (rst) m <= 0;
    else if (en) m <= (clear ? 0 : m) + a * b;
    else if (clear) m <= 0;
  task drive;
    begin
      en = ($random(seed) & 7) != 0; clear = ($random(seed) & 63) == 0;
      a = $random(seed); b = $random(seed);
      // long same-sign runs push the accumulator through its wrap-around
      if ((cyc / 500) % 2) begin a = -128; b = (cyc % 2) ? -128 : 127; end
    end
  endtask
  task check;
    begin
      samples = samples + 1;
      if (acc !== m) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH cyc=%0d acc=%0d exp=%0d", cyc, acc, m);
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
