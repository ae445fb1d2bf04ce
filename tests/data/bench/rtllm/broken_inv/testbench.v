`timescale 1ns/1ps
module testbench;
    reg  [3:0] a;
    wire [3:0] y;
    integer i, errors;
    inv4 uut (.a(a), .y(y));
    initial begin
        errors = 0;
        for (i = 0; i < 16; i = i + 1) begin
            a = i; #5;
            if (y !== ~a) errors = errors + 1;
        end
        if (errors == 0) $display("===========Your Design Passed===========");
        else $display("===========Error=========== %0d checks failed", errors);
        $finish;
    end
endmodule
