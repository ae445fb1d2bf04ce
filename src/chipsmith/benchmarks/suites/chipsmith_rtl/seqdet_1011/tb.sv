`timescale 1ns/1ps
module tb;
  reg clk = 0;
  always #5 clk = ~clk;
  reg rst;
  integer samples = 0, mismatches = 0, cyc, seed = 41;
  reg en, din;
  wire detected;
  reg [3:0] hist;
  reg m;
  seqdet_1011 dut(.clk(clk), .rst(rst), .en(en), .din(din), .detected(detected));
  always @(posedge clk)
    if (rst) begin hist <= 4'b0000; m <= 0; end
    else begin
      m <= en && ({hist[2:0], din} == 4'b1011);
      if (en) hist <= {hist[2:0], din};
    end
  task drive;
    begin
      en = ($random(seed) & 7) != 0;
      // bias towards the pattern and its overlaps
      case ((cyc / 16) % 4)
        0: din = $random(seed);
        1: din = (cyc % 3) != 1;
        2: din = ((7'b1011011 >> (cyc % 7)) & 1);
        default: din = ($random(seed) & 3) != 0;
      endcase
    end
  endtask
  task check;
    begin
      samples = samples + 1;
      if (detected !== m) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH cyc=%0d detected=%b exp=%b", cyc, detected, m);
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
