module sq4 (
    input  [3:0] x,
    output [7:0] y
);
    assign y = x * x;
endmodule
