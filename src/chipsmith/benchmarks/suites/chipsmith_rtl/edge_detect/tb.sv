`timescale 1ns/1ps
module tb;
  reg clk = 0;
  always #5 clk = ~clk;
  reg rst;
  integer samples = 0, mismatches = 0, cyc, seed = 35;
  reg sig;
  wire rise, fall, any_edge;
  reg m;
  edge_detect dut(.clk(clk), .rst(rst), .sig(sig), .rise(rise), .fall(fall), .any_edge(any_edge));
  always @(posedge clk) m <= rst ? 1'b0 : sig;
  task drive;
    begin
      sig = (cyc % 64 < 32) ? $random(seed) : ((cyc / 4) % 2);
    end
  endtask
  task check;
    begin
      samples = samples + 1;
      if ({rise, fall, any_edge} !== {sig & ~m, ~sig & m, sig ^ m}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH cyc=%0d sig=%b prev=%b got %b%b%b", cyc, sig, m, rise, fall, any_edge);
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
