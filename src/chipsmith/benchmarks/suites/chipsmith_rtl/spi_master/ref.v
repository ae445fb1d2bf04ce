module spi_master(input clk, input rst, input start, input [7:0] tx_data, input miso,
                  output reg sclk, output reg mosi, output reg cs_n, output reg busy, output reg done,
                  output reg [7:0] rx_data);
  reg [7:0] txs, rxs;
  reg [3:0] k;   // phase index of the cycle now being output
  always @(posedge clk) begin
    if (rst) begin
      sclk <= 1'b0; mosi <= 1'b0; cs_n <= 1'b1; busy <= 1'b0; done <= 1'b0; rx_data <= 8'd0;
      k <= 4'd0; txs <= 8'd0; rxs <= 8'd0;
    end else begin
      done <= 1'b0;
      if (!busy) begin
        if (start) begin
          busy <= 1'b1; cs_n <= 1'b0; sclk <= 1'b0; mosi <= tx_data[7];
          txs <= {tx_data[6:0], 1'b0}; k <= 4'd0;
        end
      end else begin
        k <= k + 4'd1;
        if (!k[0]) begin
          // end of a low phase: SCLK rises now, sample MISO
          sclk <= 1'b1;
          rxs <= {rxs[6:0], miso};
        end else if (k == 4'd15) begin
          sclk <= 1'b0; mosi <= 1'b0; cs_n <= 1'b1; busy <= 1'b0; done <= 1'b1; rx_data <= rxs;
        end else begin
          sclk <= 1'b0; mosi <= txs[7]; txs <= {txs[6:0], 1'b0};
        end
      end
    end
  end
endmodule
