module testbench;
    reg a;
    wire y;
    inv1 uut (.a(a), .y(y));
    initial begin
        a = 0; #1;
        if (y === 1'b1) $display("===========Your Design Passed===========");
        else $display("===========Error===========");
        $finish;
    end
endmodule
