`timescale 1ns/1ps
module tb;
  reg clk = 0;
  always #5 clk = ~clk;
  reg rst;
  integer samples = 0, mismatches = 0, cyc, seed = 44;
  reg car_ew;
  wire [1:0] ns, ew;
  integer mst, mt;
  reg [1:0] ens, eew;
  traffic_light dut(.clk(clk), .rst(rst), .car_ew(car_ew), .ns(ns), .ew(ew));
  always @(posedge clk)
    if (rst) begin mst <= 0; mt <= 0; end
    else if ((mst == 0 && mt >= 7 && car_ew) || (mst == 1 && mt == 1) || (mst == 2 && mt == 4) || (mst == 3 && mt == 1)) begin
      mst <= (mst + 1) % 4; mt <= 0;
    end else mt <= mt + 1;
  task drive;
    begin
      car_ew = ((cyc / 60) % 2) ? (($random(seed) & 15) == 0) : $random(seed);
    end
  endtask
  task check;
    begin
      ens = (mst == 0) ? 2 : (mst == 1) ? 1 : 0;
      eew = (mst == 2) ? 2 : (mst == 3) ? 1 : 0;
      samples = samples + 1;
      if ({ns, ew} !== {ens, eew}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH cyc=%0d ns=%0d ew=%0d exp %0d %0d (t=%0d)", cyc, ns, ew, ens, eew, mt);
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
