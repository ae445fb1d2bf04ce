// 16-bit adder written behaviourally: the golden model for the equivalence examples.
module adder16 (
    input  wire [15:0] a,
    input  wire [15:0] b,
    input  wire        cin,
    output wire [15:0] sum,
    output wire        cout
);
    assign {cout, sum} = a + b + {15'd0, cin};
endmodule
