module inv4 (
    input  [3:0] a,
    output [3:0] y
);
    // Broken upstream: drops the top bit, so it fails its own testbench.
    assign y = {1'b0, ~a[2:0]};
endmodule
