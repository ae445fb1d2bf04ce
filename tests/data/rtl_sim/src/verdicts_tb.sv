// One testbench, many endings: each define selects one verdict form to record.
module verdicts_tb;
  initial begin
    #1 $display("hello");
`ifdef DO_ERROR
    $error("value was %0d expected %0d", 3, 4);
`endif
`ifdef DO_FATAL
    $fatal(1, "fatal thing %0d", 7);
`endif
`ifdef DO_MISM
    $display("Mismatches: 3 in 120 samples");
`endif
`ifdef DO_PASS
    $display("Mismatches: 0 in 120 samples");
`endif
`ifdef DO_TIMEOUT
    $display("TIMEOUT");
    $display("Mismatches: 0 in 7 samples");
`endif
`ifdef DO_RTLLM_PASS
    $display("===========Your Design Passed===========");
`endif
`ifdef DO_RTLLM_FAIL
    $display("===========Error=========== %0d checks failed", 2);
`endif
`ifdef DO_RTLLM_COUNT
    // RTLLM's own form: %d pads the count, and there is no "/ total"
    $display("=========== Test completed with %d failures ===========", 20);
`endif
`ifdef DO_RTLLM_RATIO
    $display("===========Test completed with %d /%d failures===========", 2, 100);
`endif
`ifdef DO_RTLLM_XCOUNT
    // An error count that became X (a comparison with X in RTLLM's signal_generator)
    $display("===========Test completed with %d / 3 failures===========", 32'bx);
`endif
    $finish;
  end
endmodule
