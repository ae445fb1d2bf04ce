module rot8(input [7:0] x, input [2:0] amt, input left, output [7:0] y);
  wire [15:0] dl = {x, x} << amt;
  wire [15:0] dr = {x, x} >> amt;
  assign y = left ? dl[15:8] : dr[7:0];
endmodule
