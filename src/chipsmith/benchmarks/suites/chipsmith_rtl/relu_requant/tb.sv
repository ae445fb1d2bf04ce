`timescale 1ns/1ps
module tb;
  reg signed [31:0] x;
  reg [15:0] mult;
  reg [4:0] shift;
  wire [7:0] y;
  reg [7:0] e;
  reg [63:0] p, r;
  integer samples = 0, mismatches = 0, i, seed = 74;
  relu_requant dut(.x(x), .mult(mult), .shift(shift), .y(y));
  task check;
    begin
      #1;
      if (x <= 0) e = 0;
      else begin
        p = x * mult;
        r = p + ((shift == 0) ? 0 : (64'd1 << (shift - 1)));
        r = r >> shift;
        e = (r > 127) ? 127 : r;
      end
      samples = samples + 1;
      if (y !== e) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH x=%0d mult=%0d shift=%0d y=%0d exp=%0d", x, mult, shift, y, e);
      end
    end
  endtask
  initial begin #1000000; $display("TIMEOUT"); $finish; end
  initial begin
    x = 0; mult = 1; shift = 0; check;
    x = -1; mult = 16'hffff; shift = 0; check;
    x = 1; mult = 1; shift = 0; check;
    x = 127; mult = 1; shift = 0; check; x = 128; check;
    x = 32'h7fffffff; mult = 16'hffff; shift = 31; check;
    x = 3; mult = 1; shift = 1; check;   // 1.5 rounds up to 2
    x = 5; mult = 1; shift = 2; check;   // 1.25 rounds to 1
    x = 6; mult = 1; shift = 2; check;   // 1.5 rounds to 2
    x = 254; mult = 1; shift = 1; check; x = 255; check; x = 253; check;
    x = 32'h40000000; mult = 1; shift = 31; check;           // only bit 30 set: still positive
    x = 32'h7fffffff; mult = 16'h8001; shift = 31; check;     // product just above 2^46
    x = 32'h7fffffff; mult = 16'hffff; shift = 31; check;
    x = 32'h80000000; mult = 16'hffff; shift = 0; check;      // most negative
    for (i = 0; i < 1500; i = i + 1) begin
      x = $random(seed);
      x = x >>> ($random(seed) & 31);
      mult = $random(seed);
      if (i % 3 == 0) mult = mult >> ($random(seed) & 15);
      shift = $random(seed);
      if (i % 4 == 0) shift = 16 + ($random(seed) & 15);
      check;
    end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
