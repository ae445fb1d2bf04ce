`timescale 1 ps/1 ps
// VerilogEval v2 layout (written for chipsmith): stimulus, RefModule and TopModule side by side,
// `<out>_ref`/`<out>_dut` wires, a mismatch count per clock edge, the verdict line at the end.
module stimulus_gen (input clk, output logic [3:0] in);
	initial begin
		in <= 0;
		repeat (40) @(posedge clk, negedge clk) in <= $random;
		#1 $finish;
	end
endmodule

module tb();
	typedef struct packed { int errors; int errortime; int clocks; } stats;
	stats stats1;
	reg clk = 0;
	initial forever #5 clk = ~clk;
	logic [3:0] in;
	logic [3:0] out_ref, out_dut;
	wire tb_match;
	stimulus_gen stim1 (.clk, .*);
	RefModule good1 (.*, .out(out_ref));
	TopModule top_module1 (.*, .out(out_dut));
	final $display("Mismatches: %1d in %1d samples", stats1.errors, stats1.clocks);
	assign tb_match = ( { out_ref } === ( { out_ref } ^ { out_dut } ^ { out_ref } ) );
	always @(posedge clk, negedge clk) begin
		stats1.clocks++;
		if (!tb_match) begin
			if (stats1.errors == 0) stats1.errortime = $time;
			stats1.errors++;
		end
	end
	initial begin #1000000 $display("TIMEOUT"); $finish(); end
endmodule
