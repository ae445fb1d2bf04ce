module lfsr16(input clk, input rst, input en, input load, input [15:0] seed_in, output reg [15:0] state, output bit_out);
  localparam [15:0] TAPS = 16'hB400;
  assign bit_out = state[0];
  always @(posedge clk) begin
    if (rst) state <= 16'hACE1;
    else if (load) state <= seed_in;
    else if (en) state <= {1'b0, state[15:1]} ^ (state[0] ? TAPS : 16'h0000);
  end
endmodule
