`timescale 1ns/1ps
module tb;
  reg [7:0] a, b;
  reg [2:0] op;
  wire [7:0] y;
  wire zero;
  reg [7:0] e;
  integer samples = 0, mismatches = 0, i, j, seed = 28;
  alu8 dut(.a(a), .b(b), .op(op), .y(y), .zero(zero));
  task check;
    begin
      #1;
      case (op)
        0: e = a + b;
        1: e = a - b;
        2: e = a & b;
        3: e = a | b;
        4: e = a ^ b;
        5: e = ($signed(a) < $signed(b)) ? 8'd1 : 8'd0;
        6: e = a << (b % 8);
        7: e = a >> (b % 8);
      endcase
      samples = samples + 1;
      if ({y, zero} !== {e, e == 8'd0}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH op=%0d a=%h b=%h y=%h zero=%b exp=%h", op, a, b, y, zero, e);
      end
    end
  endtask
  initial begin #1000000; $display("TIMEOUT"); $finish; end
  initial begin
    for (j = 0; j < 8; j = j + 1) begin
      op = j;
      a = 8'h00; b = 8'h00; check; a = 8'hff; b = 8'h01; check; a = 8'h80; b = 8'h7f; check;
      a = 8'h7f; b = 8'h80; check; a = 8'h55; b = 8'haa; check; a = 8'h81; b = 8'h0f; check;
      a = 8'h05; b = 8'h05; check; a = 8'hff; b = 8'hfe; check; a = 8'hfe; b = 8'hff; check;
      for (i = 0; i < 8; i = i + 1) begin a = 8'hc3; b = i + 8'h08 * (i % 3); check; end
      for (i = 0; i < 120; i = i + 1) begin a = $random(seed); b = $random(seed); if (i % 7 == 0) b = a; check; end
    end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
