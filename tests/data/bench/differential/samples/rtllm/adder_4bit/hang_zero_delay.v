module adder_4bit (input [3:0] a, input [3:0] b, input cin, output [3:0] sum, output cout);
  reg r = 1'b0;
  always @(a) begin
    while (1) r = ~r;  // never returns: simulation time stops
  end
  assign {cout, sum} = a + b + cin + r;
endmodule
