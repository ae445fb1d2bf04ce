module TopModule (input [7:0] in, output p);
  assign p = ^in
endmodule
