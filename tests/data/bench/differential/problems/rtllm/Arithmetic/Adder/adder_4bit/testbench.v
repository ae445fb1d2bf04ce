`timescale 1ns/1ps
module tb_adder;
    reg  [3:0] a, b;
    reg        cin;
    wire [3:0] sum;
    wire       cout;
    integer i, errors;
    adder_4bit uut (.a(a), .b(b), .cin(cin), .sum(sum), .cout(cout));
    initial begin
        errors = 0;
        for (i = 0; i < 512; i = i + 1) begin
            {cin, a, b} = i; #5;
            if ({cout, sum} !== a + b + cin) errors = errors + 1;
        end
        if (errors == 0) $display("=========== Your Design Passed ===========");
        else $display("=========== Test completed with %0d / 512 failures ===========", errors);
        $finish;
    end
endmodule
