`timescale 1ns/1ps
module rom_tb;
    reg  [3:0] addr;
    wire [7:0] out;
    reg  [7:0] expected [0:15];
    integer i, errors;
    rom_lut uut (.addr(addr), .out(out));
    initial begin
        // the expected values lie beside the testbench, as RTLLM's data files do
        $readmemh("expected.hex", expected);
        errors = 0;
        for (i = 0; i < 16; i = i + 1) begin
            addr = i; #5;
            if (out !== expected[i]) errors = errors + 1;
        end
        if (errors == 0) $display("===========Your Design Passed===========");
        else $display("===========Failed===========");
        $finish;
    end
endmodule
