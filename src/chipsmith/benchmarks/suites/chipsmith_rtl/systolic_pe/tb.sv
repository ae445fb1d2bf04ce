`timescale 1ns/1ps
module tb;
  reg clk = 0;
  always #5 clk = ~clk;
  reg rst;
  integer samples = 0, mismatches = 0, cyc, seed = 73;
  reg clear, valid_in;
  reg signed [7:0] a_in, b_in;
  wire signed [7:0] a_out, b_out;
  wire valid_out;
  wire signed [23:0] acc;
  reg signed [7:0] ma, mb;
  reg mv;
  reg signed [23:0] macc;
  systolic_pe dut(.clk(clk), .rst(rst), .clear(clear), .valid_in(valid_in), .a_in(a_in), .b_in(b_in),
                  .a_out(a_out), .b_out(b_out), .valid_out(valid_out), .acc(acc));
  always @(posedge clk)
    if (rst) begin ma <= 0; mb <= 0; mv <= 0; macc <= 0; end
    else begin
      ma <= a_in; mb <= b_in; mv <= valid_in;
      if (clear) macc <= valid_in ? a_in * b_in : 0;
      else if (valid_in) macc <= macc + a_in * b_in;
    end
  task drive;
    begin
      valid_in = ($random(seed) & 3) != 0; clear = ($random(seed) & 31) == 0;
      a_in = $random(seed); b_in = $random(seed);
      if ((cyc / 1000) % 2) begin a_in = (cyc % 3) ? -128 : 127; b_in = -128; end
    end
  endtask
  task check;
    begin
      samples = samples + 1;
      if ({a_out, b_out, valid_out, acc} !== {ma, mb, mv, macc}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH cyc=%0d a=%0d b=%0d v=%b acc=%0d exp %0d %0d %b %0d", cyc, a_out, b_out, valid_out, acc, ma, mb, mv, macc);
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
