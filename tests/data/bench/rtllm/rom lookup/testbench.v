`timescale 1ns/1ps
module testbench;
    reg  [3:0] x;
    wire [7:0] y;
    reg  [7:0] expected [0:15];
    integer i, errors;
    sq4 uut (.x(x), .y(y));
    initial begin
        // The expected values are read from a data file that lies beside this testbench.
        $readmemh("expected.hex", expected);
        errors = 0;
        for (i = 0; i < 16; i = i + 1) begin
            x = i; #5;
            if (y !== expected[i]) errors = errors + 1;
        end
        if (errors == 0) $display("===========Your Design Passed===========");
        else $display("===========Error=========== %0d checks failed", errors);
        $finish;
    end
endmodule
