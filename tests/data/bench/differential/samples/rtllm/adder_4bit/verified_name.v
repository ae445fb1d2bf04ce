// Correct logic under the reference's name: the testbench instantiates adder_4bit.
module verified_adder_4bit (input [3:0] a, input [3:0] b, input cin, output [3:0] sum, output cout);
  assign {cout, sum} = a + b + cin;
endmodule
