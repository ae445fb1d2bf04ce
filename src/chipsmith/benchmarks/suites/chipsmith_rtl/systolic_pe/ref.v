module systolic_pe(input clk, input rst, input clear, input valid_in, input signed [7:0] a_in, input signed [7:0] b_in,
                   output reg signed [7:0] a_out, output reg signed [7:0] b_out, output reg valid_out,
                   output reg signed [23:0] acc);
  wire signed [15:0] prod = a_in * b_in;
  wire signed [23:0] prod_ext = {{8{prod[15]}}, prod};
  always @(posedge clk) begin
    if (rst) begin
      a_out <= 8'sd0; b_out <= 8'sd0; valid_out <= 1'b0; acc <= 24'sd0;
    end else begin
      a_out <= a_in; b_out <= b_in; valid_out <= valid_in;
      if (clear) acc <= valid_in ? prod_ext : 24'sd0;
      else if (valid_in) acc <= acc + prod_ext;
    end
  end
endmodule
