module uart_rx(input clk, input rst, input rx, output reg [7:0] data, output reg valid, output reg frame_err);
  reg active;
  reg [5:0] t;       // edges since the start edge
  reg [7:0] sh;
  always @(posedge clk) begin
    valid <= 1'b0;
    frame_err <= 1'b0;
    if (rst) begin
      active <= 1'b0; t <= 6'd0; data <= 8'd0; sh <= 8'd0;
    end else if (!active) begin
      if (!rx) begin active <= 1'b1; t <= 6'd1; end
    end else begin
      t <= t + 6'd1;
      if (t == 6'd2 && rx) active <= 1'b0;
      // bit centres: t = 6, 10, ..., 34
      if (t >= 6'd6 && t <= 6'd34 && t[1:0] == 2'b10) sh <= {rx, sh[7:1]};
      if (t == 6'd38) begin
        active <= 1'b0;
        data <= sh;
        valid <= rx;
        frame_err <= ~rx;
      end
    end
  end
endmodule
