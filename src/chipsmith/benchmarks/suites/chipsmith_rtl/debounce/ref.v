module debounce(input clk, input rst, input noisy, output reg clean, output changed);
  reg [1:0] cnt;
  wire differs = noisy ^ clean;
  assign changed = ~rst & differs & (cnt == 2'd3);
  always @(posedge clk) begin
    if (rst) begin
      clean <= 1'b0; cnt <= 2'd0;
    end else if (!differs) begin
      cnt <= 2'd0;
    end else begin
      cnt <= cnt + 2'd1;  // wraps 3 -> 0 exactly when clean flips
      if (cnt == 2'd3) clean <= noisy;
    end
  end
endmodule
