`timescale 1ns/1ps
module tb;
  reg clk = 0;
  always #5 clk = ~clk;
  reg rst;
  integer samples = 0, mismatches = 0, cyc, seed = 34;
  reg en, load;
  reg [15:0] seed_in;
  wire [15:0] state;
  wire bit_out;
  reg [15:0] m;
  integer k;
  lfsr16 dut(.clk(clk), .rst(rst), .en(en), .load(load), .seed_in(seed_in), .state(state), .bit_out(bit_out));
  // bitwise model of the Galois step
  always @(posedge clk)
    if (rst) m <= 16'hACE1;
    else if (load) m <= seed_in;
    else if (en) begin
      for (k = 0; k < 15; k = k + 1) m[k] <= m[k+1] ^ (m[0] & (k == 10 || k == 12 || k == 13));
      m[15] <= m[0];
    end
  task drive;
    begin
      en = ($random(seed) & 7) != 0; load = ($random(seed) & 63) == 0; seed_in = $random(seed);
      if (cyc % 500 == 250) begin load = 1; seed_in = 0; end
      if (cyc % 500 == 260) begin load = 1; seed_in = 16'h8000; end
    end
  endtask
  task check;
    begin
      samples = samples + 1;
      if ({state, bit_out} !== {m, m[0]}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH cyc=%0d state=%h exp=%h", cyc, state, m);
      end
    end
  endtask
  initial begin #125000; $display("TIMEOUT"); $finish; end
  initial begin
    rst = 1; drive;
    @(negedge clk);
    for (cyc = 0; cyc < 2500; cyc = cyc + 1) begin
      rst = (cyc < 2) || (($random(seed) & 255) == 0);
      drive;
      #1 check;
      @(negedge clk);
    end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
