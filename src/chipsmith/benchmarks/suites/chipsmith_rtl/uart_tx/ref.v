module uart_tx(input clk, input rst, input send, input [7:0] data, output tx, output reg busy);
  reg [9:0] sh;      // frame bits still to send, LSB goes out first
  reg [1:0] phase;   // clock within the bit
  reg [3:0] nbit;    // bits already finished
  assign tx = busy ? sh[0] : 1'b1;
  always @(posedge clk) begin
    if (rst) begin
      busy <= 1'b0; sh <= 10'h3ff; phase <= 2'd0; nbit <= 4'd0;
    end else if (!busy) begin
      if (send) begin
        busy <= 1'b1; sh <= {1'b1, data, 1'b0}; phase <= 2'd0; nbit <= 4'd0;
      end
    end else begin
      phase <= phase + 2'd1;
      if (phase == 2'd3) begin
        sh <= {1'b1, sh[9:1]};
        nbit <= nbit + 4'd1;
        if (nbit == 4'd9) busy <= 1'b0;
      end
    end
  end
endmodule
