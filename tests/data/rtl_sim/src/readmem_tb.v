module readmem_tb;
  reg [7:0] mem [0:3];
  integer i, errors = 0;
  initial begin
    $readmemh("vectors.hex", mem);
    for (i = 0; i < 4; i = i + 1) if (mem[i] !== i * 8'h11) errors = errors + 1;
    if (errors == 0) $display("=========== Your Design Passed ===========");
    else $display("=========== Failed: %0d errors ===========", errors);
    $finish;
  end
endmodule
