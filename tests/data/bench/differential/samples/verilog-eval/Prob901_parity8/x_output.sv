module TopModule (input [7:0] in, output p);
  reg r;            // never assigned: p stays X
  assign p = r;
endmodule
