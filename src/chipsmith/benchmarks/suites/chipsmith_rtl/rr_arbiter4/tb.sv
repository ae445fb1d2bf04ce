`timescale 1ns/1ps
module tb;
  reg clk = 0;
  always #5 clk = ~clk;
  reg rst;
  integer samples = 0, mismatches = 0, cyc, seed = 42;
  reg [3:0] req;
  wire [3:0] grant;
  wire [1:0] grant_idx;
  wire any_grant;
  reg [1:0] ptr;
  reg [3:0] eg;
  reg [1:0] ei;
  reg found;
  integer k;
  rr_arbiter4 dut(.clk(clk), .rst(rst), .req(req), .grant(grant), .grant_idx(grant_idx), .any_grant(any_grant));
  always @* begin
    eg = 0; ei = 0; found = 0;
    for (k = 0; k < 4; k = k + 1)
      if (!found && req[(ptr + k) % 4]) begin found = 1; ei = (ptr + k) % 4; eg[(ptr + k) % 4] = 1; end
  end
  always @(posedge clk)
    if (rst) ptr <= 0;
    else if (found) ptr <= ei + 1;
  task drive;
    begin
      case ((cyc / 50) % 3)
        0: req = $random(seed);
        1: req = 4'b1111 & ~($random(seed) & $random(seed));
        default: req = 4'b0001 << ($random(seed) & 3);
      endcase
      if (cyc % 13 == 0) req = 0;
    end
  endtask
  task check;
    begin
      samples = samples + 1;
      if ({grant, grant_idx, any_grant} !== {eg, ei, found}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH cyc=%0d req=%b grant=%b idx=%0d exp %b %0d", cyc, req, grant, grant_idx, eg, ei);
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
