// Gray-code helpers used by the knowledge tests.
module bin2gray #(parameter int W = 4) (input logic [W-1:0] b, output logic [W-1:0] g);
  assign g = b ^ (b >> 1);
endmodule

module gray2bin #(parameter int W = 4) (input logic [W-1:0] g, output logic [W-1:0] b);
  always_comb begin
    b[W-1] = g[W-1];
    for (int i = W - 2; i >= 0; i--) b[i] = b[i + 1] ^ g[i];
  end
endmodule
