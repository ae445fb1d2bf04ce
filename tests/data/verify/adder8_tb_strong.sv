`timescale 1ns/1ps
// A testbench as the verification agent is asked to write it: directed corners, then random
// stimulus, every output compared with the behavioural model adder8_model.
module tb;
  reg [7:0] a, b;
  reg cin;
  wire [7:0] sum, sum_exp;
  wire cout, cout_exp;
  integer mismatches = 0, samples = 0, i, seed = 5;
  adder8 dut(.a(a), .b(b), .cin(cin), .sum(sum), .cout(cout));
  adder8_model model(.a(a), .b(b), .cin(cin), .sum(sum_exp), .cout(cout_exp));
  initial begin #1000000; $display("TIMEOUT"); $finish; end
  task check;
    begin
      #1;
      samples = samples + 1;
      if (sum !== sum_exp || cout !== cout_exp) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH a=%h b=%h cin=%b got %b %h expected %b %h", a, b, cin, cout, sum, cout_exp, sum_exp);
      end
    end
  endtask
  initial begin
    a = 8'h00; b = 8'h00; cin = 1'b0; check;
    a = 8'hff; b = 8'h01; cin = 1'b0; check;
    a = 8'hff; b = 8'h00; cin = 1'b1; check;
    a = 8'hff; b = 8'hff; cin = 1'b1; check;
    a = 8'h80; b = 8'h80; cin = 1'b0; check;
    a = 8'h7f; b = 8'h01; cin = 1'b0; check;
    for (i = 0; i < 300; i = i + 1) begin
      a = $random(seed); b = $random(seed); cin = $random(seed); check;
    end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule

module adder8_model(input [7:0] a, input [7:0] b, input cin, output [7:0] sum, output cout);
  assign {cout, sum} = {1'b0, a} + {1'b0, b} + {8'd0, cin};
endmodule
