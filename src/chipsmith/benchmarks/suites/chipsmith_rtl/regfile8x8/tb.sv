`timescale 1ns/1ps
module tb;
  reg clk = 0;
  always #5 clk = ~clk;
  reg rst;
  integer samples = 0, mismatches = 0, cyc, seed = 51;
  reg we;
  reg [2:0] waddr, raddr_a, raddr_b;
  reg [7:0] wdata;
  wire [7:0] rdata_a, rdata_b;
  reg [7:0] m [0:7];
  integer k;
  regfile8x8 dut(.clk(clk), .rst(rst), .we(we), .waddr(waddr), .wdata(wdata), .raddr_a(raddr_a), .raddr_b(raddr_b), .rdata_a(rdata_a), .rdata_b(rdata_b));
  always @(posedge clk)
    if (rst) for (k = 0; k < 8; k = k + 1) m[k] <= 0;
    else if (we && waddr != 0) m[waddr] <= wdata;
  task drive;
    begin
      we = $random(seed); waddr = $random(seed); wdata = $random(seed);
      raddr_a = $random(seed); raddr_b = (cyc % 4 == 0) ? waddr : $random(seed);
    end
  endtask
  task check;
    begin
      samples = samples + 1;
      if ({rdata_a, rdata_b} !== {m[raddr_a], m[raddr_b]}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH cyc=%0d ra=%0d rb=%0d got %h %h exp %h %h", cyc, raddr_a, raddr_b, rdata_a, rdata_b, m[raddr_a], m[raddr_b]);
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
