`timescale 1ns/1ps
// A weak testbench: one all-zero vector. Most mutants of the model survive it.
module tb;
  reg [7:0] a, b;
  reg cin;
  wire [7:0] sum, sum_exp;
  wire cout, cout_exp;
  integer mismatches = 0, samples = 0;
  adder8 dut(.a(a), .b(b), .cin(cin), .sum(sum), .cout(cout));
  adder8_model model(.a(a), .b(b), .cin(cin), .sum(sum_exp), .cout(cout_exp));
  initial begin #1000000; $display("TIMEOUT"); $finish; end
  initial begin
    a = 8'h00; b = 8'h00; cin = 1'b0; #1;
    samples = samples + 1;
    if (sum !== sum_exp || cout !== cout_exp) mismatches = mismatches + 1;
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule

module adder8_model(input [7:0] a, input [7:0] b, input cin, output [7:0] sum, output cout);
  assign {cout, sum} = {1'b0, a} + {1'b0, b} + {8'd0, cin};
endmodule
