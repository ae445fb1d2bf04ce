// Rising-edge detector per bit, registered (the reference).
module RefModule (input clk, input [3:0] in, output reg [3:0] out);
  reg [3:0] prev;
  always @(posedge clk) begin
    prev <= in;
    out <= in & ~prev;
  end
endmodule
