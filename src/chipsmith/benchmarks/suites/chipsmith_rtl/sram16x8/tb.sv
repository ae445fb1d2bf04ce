`timescale 1ns/1ps
module tb;
  reg clk = 0;
  always #5 clk = ~clk;
  reg en, we;
  reg [3:0] addr;
  reg [7:0] wdata;
  wire [7:0] rdata;
  reg [7:0] m [0:15];
  reg [7:0] mr;
  integer samples = 0, mismatches = 0, cyc, seed = 53;
  sram16x8 dut(.clk(clk), .en(en), .we(we), .addr(addr), .wdata(wdata), .rdata(rdata));
  always @(posedge clk)
    if (en) begin
      mr <= m[addr];
      if (we) m[addr] <= wdata;
    end
  task check;
    begin
      samples = samples + 1;
      if (rdata !== mr) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH cyc=%0d rdata=%h exp=%h", cyc, rdata, mr);
      end
    end
  endtask
  initial begin #1000000; $display("TIMEOUT"); $finish; end
  initial begin
    en = 1; we = 1;
    // initialise every word, then read every word back
    for (cyc = 0; cyc < 16; cyc = cyc + 1) begin addr = cyc; wdata = 8'h5a ^ (cyc * 8'h13); @(negedge clk); end
    we = 0;
    for (cyc = 0; cyc < 16; cyc = cyc + 1) begin addr = 15 - cyc; @(negedge clk); #1 check; end
    for (cyc = 0; cyc < 3000; cyc = cyc + 1) begin
      en = ($random(seed) & 3) != 0; we = $random(seed); addr = $random(seed); wdata = $random(seed);
      #1 check;
      @(negedge clk);
    end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
