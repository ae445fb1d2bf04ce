`timescale 1 ps/1 ps

module stimulus_gen (
	input clk,
	output logic a,
	output logic b
);
	initial begin
		{a, b} <= 2'b00;
		repeat (100) @(posedge clk, negedge clk) {a, b} <= $random;
		#1 $finish;
	end
endmodule

module tb();
	typedef struct packed {
		int errors;
		int clocks;
	} stats;
	stats stats1;

	reg clk = 0;
	initial forever #5 clk = ~clk;

	logic a, b;
	logic y_ref, y_dut;

	wire tb_match;
	stimulus_gen stim1 (.clk, .*);
	RefModule good1 (.*, .y(y_ref));
	TopModule top_module1 (.*, .y(y_dut));

	final begin
		$display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	end

	assign tb_match = ( { y_ref } === ( { y_ref } ^ { y_dut } ^ { y_ref } ) );
	always @(posedge clk, negedge clk) begin
		stats1.clocks++;
		if (!tb_match) stats1.errors++;
	end

	initial begin
		#1000000
		$display("TIMEOUT");
		$finish();
	end
endmodule
