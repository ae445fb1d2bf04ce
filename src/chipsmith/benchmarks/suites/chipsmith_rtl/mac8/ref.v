module mac8(input clk, input rst, input clear, input en, input signed [7:0] a, input signed [7:0] b, output reg signed [19:0] acc);
  wire signed [15:0] p = a * b;
  wire signed [19:0] base = clear ? 20'sd0 : acc;
  always @(posedge clk) begin
    if (rst) acc <= 20'sd0;
    else if (en) acc <= base + {{4{p[15]}}, p};
    else if (clear) acc <= 20'sd0;
  end
endmodule
