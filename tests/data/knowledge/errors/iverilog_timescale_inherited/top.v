`timescale 1ns/1ps
module tb;
  dut u();
  initial #5 $finish;
endmodule
