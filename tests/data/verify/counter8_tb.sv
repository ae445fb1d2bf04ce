`timescale 1ns/1ps
// A clocked testbench in the verification agent's convention: inputs change at the falling edge,
// outputs are compared with the model just before the next rising edge.
module tb;
  reg clk = 1'b0, rst, en, up, load;
  reg [7:0] d;
  wire [7:0] q, q_exp;
  integer mismatches = 0, samples = 0, i, seed = 11;
  counter8 dut(.clk(clk), .rst(rst), .en(en), .up(up), .load(load), .d(d), .q(q));
  counter8_model model(.clk(clk), .rst(rst), .en(en), .up(up), .load(load), .d(d), .q(q_exp));
  always #5 clk = ~clk;
  initial begin #1000000; $display("TIMEOUT"); $finish; end
  task step(input r, input e, input u, input l, input [7:0] v);
    begin
      @(negedge clk); rst = r; en = e; up = u; load = l; d = v;
      @(posedge clk); #1;
      samples = samples + 1;
      if (q !== q_exp) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH at %0t: q=%h expected %h", $time, q, q_exp);
      end
    end
  endtask
  initial begin
    step(1, 0, 0, 0, 8'h00);                 // reset
    step(0, 1, 0, 0, 8'h00);                 // count down from 0 wraps to ff
    step(0, 1, 1, 0, 8'h00);                 // and up again to 00
    step(0, 0, 0, 1, 8'hfe);                 // load
    step(0, 1, 1, 0, 8'h00);                 // ff
    step(0, 1, 1, 0, 8'h00);                 // wraps to 00
    step(0, 1, 1, 1, 8'h5a);                 // load wins over count
    step(0, 0, 1, 0, 8'h00);                 // hold
    step(1, 1, 1, 1, 8'h33);                 // reset wins over load
    for (i = 0; i < 400; i = i + 1)
      step(($random(seed) % 16) == 0, $random(seed), $random(seed), ($random(seed) % 8) == 0, $random(seed));
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule

module counter8_model(input clk, input rst, input en, input up, input load, input [7:0] d, output reg [7:0] q);
  always @(posedge clk) begin
    if (rst) q <= 8'd0;
    else if (load) q <= d;
    else if (en) q <= up ? q + 8'd1 : q - 8'd1;
  end
endmodule
