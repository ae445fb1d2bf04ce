`timescale 1ns/1ps
module tb;
  reg clk = 0;
  always #5 clk = ~clk;
  reg rst, start;
  reg [7:0] dividend, divisor;
  wire busy, done;
  wire [7:0] quotient, remainder;
  // golden model
  reg m_busy, m_done;
  reg [7:0] m_q, m_r, m_a, m_b;
  integer m_cnt;
  integer samples = 0, mismatches = 0, cyc, seed = 29;
  div8 dut(.clk(clk), .rst(rst), .start(start), .dividend(dividend), .divisor(divisor),
           .busy(busy), .done(done), .quotient(quotient), .remainder(remainder));
  always @(posedge clk) begin
    if (rst) begin
      m_busy <= 0; m_done <= 0; m_q <= 0; m_r <= 0; m_cnt <= 0;
    end else begin
      m_done <= 0;
      if (!m_busy) begin
        if (start) begin m_busy <= 1; m_cnt <= 0; m_a <= dividend; m_b <= divisor; end
      end else begin
        m_cnt <= m_cnt + 1;
        if (m_cnt == 7) begin
          m_busy <= 0; m_done <= 1;
          m_q <= (m_b == 0) ? 8'hff : m_a / m_b;
          m_r <= (m_b == 0) ? m_a : m_a % m_b;
        end
      end
    end
  end
  task check;
    begin
      samples = samples + 1;
      if ({busy, done, quotient, remainder} !== {m_busy, m_done, m_q, m_r}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH cyc=%0d busy=%b done=%b q=%0d r=%0d exp %b %b %0d %0d", cyc, busy, done, quotient, remainder, m_busy, m_done, m_q, m_r);
      end
    end
  endtask
  initial begin #3000000; $display("TIMEOUT"); $finish; end
  initial begin
    rst = 1; start = 0; dividend = 0; divisor = 0;
    @(negedge clk);
    for (cyc = 0; cyc < 3000; cyc = cyc + 1) begin
      rst = (cyc < 2) || (($random(seed) & 511) == 0);
      start = (cyc % 23 == 5) ? 1 : $random(seed);
      dividend = $random(seed);
      divisor = $random(seed);
      if (cyc % 5 == 0) divisor = divisor >> ($random(seed) & 7);
      if (cyc % 31 == 0) divisor = 0;
      if (cyc % 37 == 0) begin dividend = 8'hff; divisor = 1; end
      if (cyc % 41 == 0) begin dividend = 8'h80; divisor = 8'hff; end
      #1 check;
      @(negedge clk);
    end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
