`timescale 1ns/1ps
module tb;
  reg [7:0] d0, d1, d2, d3;
  reg [1:0] sel;
  wire [7:0] y;
  reg [7:0] e;
  integer samples = 0, mismatches = 0, i, seed = 11;
  mux4_8 dut(.d0(d0), .d1(d1), .d2(d2), .d3(d3), .sel(sel), .y(y));
  task check;
    begin
      #1;
      case (sel)
        2'd0: e = d0;
        2'd1: e = d1;
        2'd2: e = d2;
        default: e = d3;
      endcase
      samples = samples + 1;
      if (y !== e) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH sel=%0d d=%h %h %h %h y=%h exp=%h", sel, d0, d1, d2, d3, y, e);
      end
    end
  endtask
  initial begin #1000000; $display("TIMEOUT"); $finish; end
  initial begin
    d0 = 8'h01; d1 = 8'h02; d2 = 8'h04; d3 = 8'h08;
    for (i = 0; i < 4; i = i + 1) begin sel = i; check; end
    d0 = 8'hfe; d1 = 8'hfd; d2 = 8'hfb; d3 = 8'hf7;
    for (i = 0; i < 4; i = i + 1) begin sel = i; check; end
    for (i = 0; i < 400; i = i + 1) begin
      d0 = $random(seed); d1 = $random(seed); d2 = $random(seed); d3 = $random(seed); sel = $random(seed);
      check;
    end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
