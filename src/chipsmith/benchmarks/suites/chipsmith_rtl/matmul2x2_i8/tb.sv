`timescale 1ns/1ps
module tb;
  reg clk = 0;
  always #5 clk = ~clk;
  reg rst;
  integer samples = 0, mismatches = 0, cyc, seed = 75;
  reg in_valid;
  reg [31:0] a, b;
  wire out_valid;
  wire [67:0] c;
  reg mv;
  reg [67:0] mc;
  reg signed [16:0] t;
  integer i, j;
  matmul2x2_i8 dut(.clk(clk), .rst(rst), .in_valid(in_valid), .a(a), .b(b), .out_valid(out_valid), .c(c));
  always @(posedge clk)
    if (rst) begin mv <= 0; mc <= 0; end
    else begin
      mv <= in_valid;
      if (in_valid)
        for (i = 0; i < 2; i = i + 1)
          for (j = 0; j < 2; j = j + 1) begin
            t = $signed(a[8*(2*i) +: 8]) * $signed(b[8*j +: 8]) + $signed(a[8*(2*i+1) +: 8]) * $signed(b[8*(2+j) +: 8]);
            mc[17*(2*i+j) +: 17] <= t;
          end
    end
  task drive;
    begin
      in_valid = ($random(seed) & 3) != 0;
      a = $random(seed); b = $random(seed);
      if (cyc % 17 == 0) begin a = 32'h80808080; b = 32'h80808080; end
      if (cyc % 19 == 0) begin a = 32'h7f807f80; b = 32'h807f807f; end
    end
  endtask
  task check;
    begin
      samples = samples + 1;
      if ({out_valid, c} !== {mv, mc}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH cyc=%0d out_valid=%b c=%h exp %b %h", cyc, out_valid, c, mv, mc);
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
