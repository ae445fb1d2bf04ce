`timescale 1ns/1ps
module tb;
  reg [7:0] a, b;
  reg cin;
  wire [7:0] sum;
  wire cout;
  reg [8:0] e;
  integer samples = 0, mismatches = 0, i, seed = 21;
  adder8 dut(.a(a), .b(b), .cin(cin), .sum(sum), .cout(cout));
  task check;
    begin
      #1;
      e = {1'b0, a} + {1'b0, b} + {8'd0, cin};
      samples = samples + 1;
      if ({cout, sum} !== e) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH a=%h b=%h cin=%b got %b_%h exp %h", a, b, cin, cout, sum, e);
      end
    end
  endtask
  initial begin #1000000; $display("TIMEOUT"); $finish; end
  initial begin
    a = 0; b = 0; cin = 0; check;
    a = 8'hff; b = 8'h01; cin = 0; check;
    a = 8'hff; b = 8'h00; cin = 1; check;
    a = 8'hff; b = 8'hff; cin = 1; check;
    a = 8'h80; b = 8'h80; cin = 0; check;
    a = 8'h7f; b = 8'h01; cin = 0; check;
    a = 8'h0f; b = 8'hf0; cin = 1; check;
    for (i = 0; i < 600; i = i + 1) begin a = $random(seed); b = $random(seed); cin = $random(seed); check; end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
