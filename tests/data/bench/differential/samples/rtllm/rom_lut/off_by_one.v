module rom_lut (input [3:0] addr, output [7:0] out);
  assign out = 3 * addr;
endmodule
