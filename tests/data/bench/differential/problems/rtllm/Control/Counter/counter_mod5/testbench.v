`timescale 1ns/1ps
module testbench;
    reg clk = 0, rst_n = 0, en = 0;
    wire [2:0] q;
    reg [2:0] model;
    integer cyc, errors;
    counter_mod5 #(.W(3)) dut (.clk(clk), .rst_n(rst_n), .en(en), .q(q));
    always #5 clk = ~clk;
    always @(posedge clk or negedge rst_n)
        if (!rst_n) model <= 0;
        else if (en) model <= (model == 4) ? 0 : model + 1;
    initial begin
        errors = 0;
        #12 rst_n = 1;
        for (cyc = 0; cyc < 200; cyc = cyc + 1) begin
            @(negedge clk);
            if (q !== model) errors = errors + 1;
            en = $random;
            if (cyc == 120) begin rst_n = 0; #2 rst_n = 1; end
        end
        if (errors == 0) $display("===========Your Design Passed===========");
        else $display("===========Error=========== %0d mismatches", errors);
        $finish;
    end
endmodule
