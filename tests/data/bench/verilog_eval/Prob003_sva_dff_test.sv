`timescale 1 ps/1 ps

module tb();
	int errors = 0, clocks = 0;
	reg clk = 0;
	initial forever #5 clk = ~clk;
	logic d = 0;
	logic q_ref, q_dut;
	RefModule good1 (.clk, .d, .q(q_ref));
	TopModule top_module1 (.clk, .d, .q(q_dut));
	initial begin
		repeat (100) @(negedge clk) d <= $random;
		$display("Mismatches: %1d in %1d samples", errors, clocks);
		$finish;
	end
	always @(posedge clk) begin
		#1 clocks++;
		if (q_ref !== (q_ref ^ q_dut ^ q_ref)) errors++;
	end
	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end
endmodule
