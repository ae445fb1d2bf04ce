`timescale 1ns/1ps
module tb_mux;
    reg  [3:0] a, b;
    reg        sel;
    wire [3:0] y;
    integer i, errors;
    mux2 uut (.a(a), .b(b), .sel(sel), .y(y));
    initial begin
        errors = 0;
        for (i = 0; i < 512; i = i + 1) begin
            {sel, a, b} = i; #5;
            if (y !== (sel ? b : a)) errors = errors + 1;
        end
        if (errors == 0) $display("=========== Your Design Passed ===========");
        else $display("=========== Error =========== %0d checks failed", errors);
        $finish;
    end
endmodule
