`timescale 1ns/1ps
module tb;
  reg [15:0] a, b;
  reg sub;
  wire [15:0] y;
  wire carry, overflow;
  reg [16:0] e;
  reg eo;
  integer samples = 0, mismatches = 0, i, seed = 22;
  integer sa, sb, sr;
  addsub16 dut(.a(a), .b(b), .sub(sub), .y(y), .carry(carry), .overflow(overflow));
  task check;
    begin
      #1;
      sa = $signed(a); sb = $signed(b);
      if (sub) begin e = {1'b0, a} + {1'b0, ~b} + 17'd1; sr = sa - sb; end
      else begin e = {1'b0, a} + {1'b0, b}; sr = sa + sb; end
      eo = (sr > 32767) || (sr < -32768);
      samples = samples + 1;
      if ({carry, y, overflow} !== {e, eo}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH a=%h b=%h sub=%b got c=%b y=%h v=%b exp %h v=%b", a, b, sub, carry, y, overflow, e, eo);
      end
    end
  endtask
  initial begin #1000000; $display("TIMEOUT"); $finish; end
  initial begin
    for (i = 0; i < 2; i = i + 1) begin
      sub = i;
      a = 0; b = 0; check;
      a = 16'h7fff; b = 16'h0001; check;
      a = 16'h8000; b = 16'h0001; check;
      a = 16'h8000; b = 16'hffff; check;
      a = 16'hffff; b = 16'hffff; check;
      a = 16'h0001; b = 16'h0002; check;
      a = 16'h8000; b = 16'h8000; check;
      a = 16'h7fff; b = 16'h8000; check;
      a = 16'h1234; b = 16'h1234; check;
      a = 16'h0000; b = 16'h8000; check;
    end
    for (i = 0; i < 800; i = i + 1) begin
      a = $random(seed); b = $random(seed); sub = $random(seed);
      check;
    end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
