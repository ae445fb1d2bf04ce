`timescale 1ns/1ps
// A long simulation for the waveform page's large-file test: about 10 MB of VCD.
module tb;
  reg clk = 0; reg rst = 1;
  reg [15:0] cnt; reg [31:0] lfsr; wire [7:0] data = cnt[7:0] ^ lfsr[7:0];
  always #5 clk = ~clk;
  always @(posedge clk) begin
    if (rst) begin cnt <= 0; lfsr <= 32'hdeadbeef; end
    else begin cnt <= cnt + 1; lfsr <= {lfsr[30:0], lfsr[31] ^ lfsr[21] ^ lfsr[1] ^ lfsr[0]}; end
  end
  initial begin $dumpfile("sim/busy.vcd"); $dumpvars(0, tb); #20 rst = 0; #1000000 $finish; end
endmodule
