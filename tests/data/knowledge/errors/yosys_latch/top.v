module top(input en, input a, output reg y);
  always @* begin
    if (en) y = a;
  end
endmodule
