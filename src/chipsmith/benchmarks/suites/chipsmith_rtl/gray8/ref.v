module gray8(input [7:0] bin, input [7:0] gray, output [7:0] to_gray, output [7:0] to_bin);
  assign to_gray = bin ^ {1'b0, bin[7:1]};
  genvar i;
  assign to_bin[7] = gray[7];
  generate
    for (i = 6; i >= 0; i = i - 1) begin : g
      assign to_bin[i] = to_bin[i+1] ^ gray[i];
    end
  endgenerate
endmodule
