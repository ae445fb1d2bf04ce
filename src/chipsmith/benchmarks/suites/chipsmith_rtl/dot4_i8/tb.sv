`timescale 1ns/1ps
module tb;
  reg [31:0] a, b;
  wire signed [17:0] y;
  reg signed [17:0] e;
  integer samples = 0, mismatches = 0, i, k, seed = 72;
  dot4_i8 dut(.a(a), .b(b), .y(y));
  task check;
    begin
      #1;
      e = 0;
      for (k = 0; k < 4; k = k + 1) e = e + $signed(a[8*k +: 8]) * $signed(b[8*k +: 8]);
      samples = samples + 1;
      if (y !== e) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH a=%h b=%h y=%0d exp=%0d", a, b, y, e);
      end
    end
  endtask
  initial begin #1000000; $display("TIMEOUT"); $finish; end
  initial begin
    a = 32'h80808080; b = 32'h80808080; check;
    a = 32'h80808080; b = 32'h7f7f7f7f; check;
    a = 32'h7f7f7f7f; b = 32'h7f7f7f7f; check;
    a = 32'hffffffff; b = 32'h01010101; check;
    for (i = 0; i < 4; i = i + 1) begin
      a = 32'h000000ff << (8 * i); b = 32'h00000003 << (8 * i); check;
      a = 32'h00000080 << (8 * i); b = 32'hffffffff; check;
    end
    for (i = 0; i < 800; i = i + 1) begin a = $random(seed); b = $random(seed); check; end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
