module prio_enc8(input [7:0] req, output reg [2:0] idx, output valid);
  integer k;
  assign valid = |req;
  always @* begin
    idx = 3'd0;
    for (k = 0; k < 8; k = k + 1)
      if (req[k]) idx = k[2:0];
  end
endmodule
