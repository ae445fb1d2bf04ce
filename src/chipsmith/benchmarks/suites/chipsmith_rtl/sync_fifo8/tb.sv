`timescale 1ns/1ps
module tb;
  reg clk = 0;
  always #5 clk = ~clk;
  reg rst;
  integer samples = 0, mismatches = 0, cyc, seed = 52;
  reg push, pop;
  reg [7:0] din;
  wire [7:0] dout;
  wire empty, full;
  wire [3:0] count;
  reg [7:0] q [0:15];
  integer head, n, bias;
  reg [7:0] ed;
  sync_fifo8 dut(.clk(clk), .rst(rst), .push(push), .din(din), .pop(pop), .dout(dout), .empty(empty), .full(full), .count(count));
  // model: a queue as a circular array with a head index and a length
  always @(posedge clk)
    if (rst) begin head <= 0; n <= 0; end
    else begin
      if (push && n < 8) q[(head + n) % 16] <= din;
      if (pop && n > 0) head <= (head + 1) % 16;
      n <= n + ((push && n < 8) ? 1 : 0) - ((pop && n > 0) ? 1 : 0);
    end
  task drive;
    begin
      bias = (cyc / 100) % 3;  // phases: filling, draining, balanced
      push = (bias == 0) ? (($random(seed) & 3) != 0) : (bias == 1) ? (($random(seed) & 3) == 0) : $random(seed);
      pop = (bias == 1) ? (($random(seed) & 3) != 0) : (bias == 0) ? (($random(seed) & 3) == 0) : $random(seed);
      din = $random(seed);
    end
  endtask
  task check;
    begin
      ed = (n == 0) ? 8'd0 : q[head];
      samples = samples + 1;
      if ({dout, empty, full, count} !== {ed, n == 0, n == 8, n[3:0]}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH cyc=%0d dout=%h e=%b f=%b count=%0d exp %h n=%0d", cyc, dout, empty, full, count, ed, n);
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
