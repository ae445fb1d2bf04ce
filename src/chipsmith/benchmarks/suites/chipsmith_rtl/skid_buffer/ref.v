module skid_buffer(input clk, input rst, input in_valid, output in_ready, input [7:0] in_data,
                   output reg out_valid, input out_ready, output reg [7:0] out_data);
  reg [7:0] skid;
  reg skid_valid;
  wire out_free = ~out_valid | out_ready;
  assign in_ready = ~skid_valid;
  always @(posedge clk) begin
    if (rst) begin
      out_valid <= 1'b0; skid_valid <= 1'b0; out_data <= 8'd0;
    end else if (out_free) begin
      if (skid_valid) begin
        out_data <= skid; out_valid <= 1'b1; skid_valid <= 1'b0;
      end else begin
        out_valid <= in_valid;
        if (in_valid) out_data <= in_data;
      end
    end else if (in_valid && in_ready) begin
      skid <= in_data; skid_valid <= 1'b1;
    end
  end
endmodule
