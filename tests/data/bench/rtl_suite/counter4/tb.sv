`timescale 1ns/1ps
module tb;
  reg clk = 0, rst = 1, en = 0;
  wire [3:0] q;
  reg [3:0] model_q = 0;
  integer samples = 0, mismatches = 0, i, seed = 11;

  counter4 dut(.clk(clk), .rst(rst), .en(en), .q(q));

  always #5 clk = ~clk;

  // Golden model, updated on the same edge as the design.
  always @(posedge clk) begin
    if (rst) model_q <= 0;
    else if (en) model_q <= model_q + 1;
  end

  // Sample every cycle on the falling edge, then drive new inputs.
  initial begin
    @(negedge clk);
    for (i = 0; i < 300; i = i + 1) begin
      if (i > 0) begin
        samples = samples + 1;
        if (q !== model_q) mismatches = mismatches + 1;
      end
      rst = (i < 2) || (($random(seed) & 63) == 0);
      en = (i > 20 && i < 60) ? 1'b1 : $random(seed);
      @(negedge clk);
    end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end

  initial begin
    #100000;
    $display("TIMEOUT");
    $finish;
  end
endmodule
