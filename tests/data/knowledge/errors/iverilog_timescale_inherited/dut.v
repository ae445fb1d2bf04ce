module dut;
  initial #1 $display("hi");
endmodule
