`timescale 1ns/1ps
// The style the tracer's conventions describe for generated testbenches: the model's value of
// each output `o` in a signal `o_exp`, an `errors` counter, the verdict line at the end.
module tb_exp;
  reg clk = 0;
  always #5 clk = ~clk;
  reg rst, en;
  reg [3:0] d;
  wire [7:0] sum;
  wire big;
  reg [7:0] sum_exp;
  reg [1:0] n;
  wire big_exp = (n == 2'd3) && sum_exp[7];
  integer errors = 0, checks = 0, i;
  acc8 uut(.clk(clk), .rst(rst), .en(en), .d(d), .sum(sum), .big(big));
  always @(posedge clk)
    if (rst) begin sum_exp <= 0; n <= 0; end
    else if (en) begin sum_exp <= sum_exp + d; if (n != 3) n <= n + 1; end
  always @(negedge clk) begin
    checks = checks + 1;
    if (sum !== sum_exp || big !== big_exp) errors = errors + 1;
  end
  initial begin
    rst = 1; en = 0; d = 0;
    repeat (2) @(posedge clk);
    #1 rst = 0;
    for (i = 0; i < 30; i = i + 1) begin
      @(posedge clk); #1 en = 1; d = i[3:0];
    end
    @(posedge clk); #1;
    $display("Mismatches: %0d in %0d samples", errors, checks);
    $finish;
  end
endmodule
