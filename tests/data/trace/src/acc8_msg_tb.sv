`timescale 1ns/1ps
// No conventions: no expected-value signals, no counter; failures are printed with their time.
module tb_msg;
  reg clk = 0;
  always #5 clk = ~clk;
  reg rst, en;
  reg [3:0] d;
  wire [7:0] sum;
  wire big;
  reg [7:0] model;
  reg bad;
  integer i;
  acc8 u0(.clk(clk), .rst(rst), .en(en), .d(d), .sum(sum), .big(big));
  always @(posedge clk) if (rst) model <= 0; else if (en) model <= model + d;
  initial begin
    bad = 0; rst = 1; en = 1; d = 0;
    repeat (2) @(negedge clk);
    rst = 0;
    for (i = 0; i < 20; i = i + 1) begin
      d = 4'd9; @(negedge clk);
      if (sum !== model) begin bad = 1; $display("ERROR: sum wrong at time=%0t: %h", $time, sum); end
    end
    if (bad) $display("=== Failed ==="); else $display("===========Your Design Passed===========");
    $finish;
  end
endmodule
