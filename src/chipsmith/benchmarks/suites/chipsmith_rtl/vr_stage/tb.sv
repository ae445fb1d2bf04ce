`timescale 1ns/1ps
module tb;
  reg clk = 0;
  always #5 clk = ~clk;
  reg rst;
  integer samples = 0, mismatches = 0, cyc, seed = 64;
  reg in_valid, out_ready;
  reg [7:0] in_data;
  wire in_ready, out_valid;
  wire [7:0] out_data;
  reg mv;
  reg [7:0] md;
  vr_stage dut(.clk(clk), .rst(rst), .in_valid(in_valid), .in_ready(in_ready), .in_data(in_data),
               .out_valid(out_valid), .out_ready(out_ready), .out_data(out_data));
  always @(posedge clk)
    if (rst) begin mv <= 0; md <= 0; end
    else if (!mv || out_ready) begin mv <= in_valid; if (in_valid) md <= in_data; end
  task drive;
    begin
      in_valid = ((cyc / 100) % 2) ? (($random(seed) & 3) != 0) : $random(seed);
      out_ready = ((cyc / 150) % 2) ? (($random(seed) & 3) == 0) : $random(seed);
      in_data = $random(seed);
    end
  endtask
  task check;
    begin
      samples = samples + 1;
      if ({in_ready, out_valid, out_data} !== {!mv || out_ready, mv, md}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH cyc=%0d in_ready=%b out_valid=%b out_data=%h exp %b %h", cyc, in_ready, out_valid, out_data, mv, md);
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
