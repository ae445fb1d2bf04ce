// planted bug: the carry out ignores carries rippling in from the lower bits
module adder8(input [7:0] a, input [7:0] b, input cin, output [7:0] sum, output cout);
  assign sum = a + b + cin;
  assign cout = a[7] & b[7];
endmodule
