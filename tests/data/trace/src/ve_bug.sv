// Candidate with a bug: detects falling edges instead of rising ones.
module TopModule (input clk, input [3:0] in, output reg [3:0] out);
  reg [3:0] prev;
  always @(posedge clk) begin
    prev <= in;
    out <= ~in & prev;
  end
endmodule
