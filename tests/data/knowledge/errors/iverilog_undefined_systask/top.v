module top;
  initial begin
    $dispaly("x");
  end
endmodule
