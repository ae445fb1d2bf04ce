module top(input [1:0] s, input a, output reg y);
  always @* begin
    y = 1'b0;
    case (s)
      2'd0: y = a;
      2'd1: y = ~a;
    endcase
  end
endmodule
