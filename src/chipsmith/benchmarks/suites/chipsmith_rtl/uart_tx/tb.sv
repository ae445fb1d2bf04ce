`timescale 1ns/1ps
module tb;
  reg clk = 0;
  always #5 clk = ~clk;
  reg rst;
  integer samples = 0, mismatches = 0, cyc, seed = 61;
  reg send;
  reg [7:0] data;
  wire tx, busy;
  reg mbusy;
  integer mt;
  reg [9:0] frame;
  uart_tx dut(.clk(clk), .rst(rst), .send(send), .data(data), .tx(tx), .busy(busy));
  always @(posedge clk)
    if (rst) begin mbusy <= 0; mt <= 0; end
    else if (!mbusy) begin
      if (send) begin mbusy <= 1; mt <= 0; frame <= {1'b1, data, 1'b0}; end
    end else begin
      mt <= mt + 1;
      if (mt == 39) mbusy <= 0;
    end
  task drive;
    begin
      send = ((cyc / 300) % 2) ? 1'b1 : (($random(seed) & 15) == 0);
      data = $random(seed);
    end
  endtask
  task check;
    begin
      samples = samples + 1;
      if ({tx, busy} !== {mbusy ? frame[mt / 4] : 1'b1, mbusy}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH cyc=%0d tx=%b busy=%b exp busy=%b t=%0d", cyc, tx, busy, mbusy, mt);
      end
    end
  endtask
  initial begin #150000; $display("TIMEOUT"); $finish; end
  initial begin
    rst = 1; drive;
    @(negedge clk);
    for (cyc = 0; cyc < 5000; cyc = cyc + 1) begin
      rst = (cyc < 2) || (($random(seed) & 255) == 0);
      drive;
      #1 check;
      @(negedge clk);
    end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
