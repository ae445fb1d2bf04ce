module endless_print_tb;
  integer n = 0;
  initial forever begin
    #1 n = n + 1;
    $display("still running %0d", n);
  end
endmodule
