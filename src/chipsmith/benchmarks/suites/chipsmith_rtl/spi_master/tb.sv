`timescale 1ns/1ps
module tb;
  reg clk = 0;
  always #5 clk = ~clk;
  reg rst;
  integer samples = 0, mismatches = 0, cyc, seed = 63;
  reg start, miso;
  reg [7:0] tx_data;
  wire sclk, mosi, cs_n, busy, done;
  wire [7:0] rx_data;
  reg mbusy, mdone;
  reg [7:0] mtx, mrx, msh;
  integer mt;
  spi_master dut(.clk(clk), .rst(rst), .start(start), .tx_data(tx_data), .miso(miso), .sclk(sclk), .mosi(mosi),
                 .cs_n(cs_n), .busy(busy), .done(done), .rx_data(rx_data));
  always @(posedge clk)
    if (rst) begin mbusy <= 0; mdone <= 0; mrx <= 0; mt <= 0; end
    else begin
      mdone <= 0;
      if (!mbusy) begin
        if (start) begin mbusy <= 1; mt <= 0; mtx <= tx_data; end
      end else begin
        mt <= mt + 1;
        if (mt % 2 == 0) msh[7 - mt / 2] <= miso;
        if (mt == 15) begin mbusy <= 0; mdone <= 1; mrx <= msh; end
      end
    end
  task drive;
    begin
      start = ((cyc / 200) % 2) ? 1'b1 : (($random(seed) & 7) == 0);
      tx_data = $random(seed);
      miso = $random(seed);
    end
  endtask
  task check;
    begin
      samples = samples + 1;
      if ({sclk, mosi, cs_n, busy, done, rx_data} !==
          {mbusy && mt % 2 == 1, mbusy && mtx[7 - mt / 2], !mbusy, mbusy, mdone, mrx}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH cyc=%0d t=%0d sclk=%b mosi=%b cs_n=%b busy=%b done=%b rx=%h exp rx=%h", cyc, mt, sclk, mosi, cs_n, busy, done, rx_data, mrx);
      end
    end
  endtask
  initial begin #160000; $display("TIMEOUT"); $finish; end
  initial begin
    rst = 1; drive;
    @(negedge clk);
    for (cyc = 0; cyc < 6000; cyc = cyc + 1) begin
      rst = (cyc < 2) || (($random(seed) & 255) == 0);
      drive;
      #1 check;
      @(negedge clk);
    end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
