`timescale 1ns/1ps
module tb;
  reg [7:0] a, b;
  reg cin;
  wire [7:0] sum;
  wire cout;
  reg [8:0] expect_v;
  integer samples = 0, mismatches = 0, i, seed = 7;

  adder8 dut(.a(a), .b(b), .cin(cin), .sum(sum), .cout(cout));

  task check;
    begin
      #1;
      expect_v = a + b + cin;
      samples = samples + 1;
      if ({cout, sum} !== expect_v) mismatches = mismatches + 1;
    end
  endtask

  initial begin
    a = 0; b = 0; cin = 0; check;
    a = 8'hff; b = 8'h01; cin = 0; check;
    a = 8'hff; b = 8'hff; cin = 1; check;
    a = 8'h80; b = 8'h80; cin = 0; check;
    a = 8'h00; b = 8'h00; cin = 1; check;
    for (i = 0; i < 200; i = i + 1) begin
      a = $random(seed); b = $random(seed); cin = $random(seed);
      check;
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
