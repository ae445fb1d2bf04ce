`timescale 1ns/1ps
module tb;
  reg clk = 0;
  always #5 clk = ~clk;
  reg rst;
  integer samples = 0, mismatches = 0, cyc, seed = 33;
  reg en, din;
  wire [7:0] q;
  wire dout;
  reg [7:0] m;
  sipo8 dut(.clk(clk), .rst(rst), .en(en), .din(din), .q(q), .dout(dout));
  always @(posedge clk)
    if (rst) m <= 0;
    else if (en) m <= (m << 1) | din;
  task drive;
    begin
      en = ($random(seed) & 3) != 0; din = $random(seed);
    end
  endtask
  task check;
    begin
      samples = samples + 1;
      if ({q, dout} !== {m, m[7]}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH cyc=%0d q=%b dout=%b exp=%b", cyc, q, dout, m);
      end
    end
  endtask
  initial begin #115000; $display("TIMEOUT"); $finish; end
  initial begin
    rst = 1; drive;
    @(negedge clk);
    for (cyc = 0; cyc < 1500; cyc = cyc + 1) begin
      rst = (cyc < 2) || (($random(seed) & 255) == 0);
      drive;
      #1 check;
      @(negedge clk);
    end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
