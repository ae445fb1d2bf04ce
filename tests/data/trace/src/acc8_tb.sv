`timescale 1ns/1ps
// chipsmith-rtl style: behavioural model inside tb, inputs change at the falling edge, every
// output compared one step later, counters `mismatches` and `samples`, one verdict line.
module tb;
  reg clk = 0;
  always #5 clk = ~clk;
  reg rst, en;
  reg [3:0] d;
  wire [7:0] sum;
  wire big;
  reg [7:0] m_acc;
  reg [1:0] m_cnt;
  integer samples = 0, mismatches = 0, cyc, seed = 7;
  acc8 dut(.clk(clk), .rst(rst), .en(en), .d(d), .sum(sum), .big(big));
  always @(posedge clk)
    if (rst) begin m_acc <= 0; m_cnt <= 0; end
    else if (en) begin m_acc <= m_acc + d; if (m_cnt != 3) m_cnt <= m_cnt + 1; end
  initial begin #10000; $display("TIMEOUT"); $finish; end
  initial begin
    rst = 1; en = 0; d = 0;
    @(negedge clk);
    for (cyc = 0; cyc < 40; cyc = cyc + 1) begin
      rst = (cyc < 2) || (cyc == 25);
      en = ($random(seed) & 3) != 0;
      d = (cyc < 6) ? cyc[2:0] : $random(seed);
      #1;
      samples = samples + 1;
      if ({sum, big} !== {m_acc, m_cnt == 2'd3 && m_acc[7]}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 3) $display("MISMATCH cyc=%0d sum=%h exp=%h", cyc, sum, m_acc);
      end
      @(negedge clk);
    end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
