module top;
  reg [7:0] mem [0:15];
  initial begin
    $readmemh("data.hex", mem);
    $finish;
  end
endmodule
