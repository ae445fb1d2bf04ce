`timescale 1ns/1ps
module tb;
  reg [7:0] a, b;
  reg is_signed;
  wire lt, eq, gt;
  reg el, ee, eg;
  integer samples = 0, mismatches = 0, i, seed = 18;
  cmp8 dut(.a(a), .b(b), .is_signed(is_signed), .lt(lt), .eq(eq), .gt(gt));
  task check;
    begin
      #1;
      if (is_signed) begin el = $signed(a) < $signed(b); eg = $signed(a) > $signed(b); end
      else begin el = a < b; eg = a > b; end
      ee = (a == b);
      samples = samples + 1;
      if ({lt, eq, gt} !== {el, ee, eg}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH a=%h b=%h s=%b got %b%b%b exp %b%b%b", a, b, is_signed, lt, eq, gt, el, ee, eg);
      end
    end
  endtask
  initial begin #1000000; $display("TIMEOUT"); $finish; end
  initial begin
    for (i = 0; i < 2; i = i + 1) begin
      is_signed = i;
      a = 8'h80; b = 8'h7f; check; a = 8'h7f; b = 8'h80; check;
      a = 8'hff; b = 8'h00; check; a = 8'h00; b = 8'hff; check;
      a = 8'h55; b = 8'h55; check; a = 8'h80; b = 8'h80; check;
      a = 8'h10; b = 8'h11; check; a = 8'h11; b = 8'h10; check;
      a = 8'hfe; b = 8'hff; check; a = 8'hff; b = 8'hfe; check;
    end
    for (i = 0; i < 600; i = i + 1) begin
      a = $random(seed); b = $random(seed); is_signed = $random(seed);
      if (i % 4 == 0) b = a ^ (8'h1 << (i % 8));
      check;
    end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
