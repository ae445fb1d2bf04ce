`timescale 1ns/1ps
module tb;
  reg clk = 0, rst = 1, din = 0;
  wire det;
  reg [2:0] hist = 0;
  reg [1:0] nvalid = 0;
  reg model_det = 0;
  integer samples = 0, mismatches = 0, i, seed = 5;
  reg [15:0] directed = 16'b1010_1101_0010_1011;

  seqdet101 dut(.clk(clk), .rst(rst), .din(din), .det(det));

  always #5 clk = ~clk;

  // Golden model: a shift register of the last three bits and how many are valid since reset.
  always @(posedge clk) begin
    if (rst) begin
      hist <= 0; nvalid <= 0; model_det <= 0;
    end else begin
      hist <= {hist[1:0], din};
      if (nvalid != 3) nvalid <= nvalid + 1;
      model_det <= (nvalid >= 2) && ({hist[1:0], din} == 3'b101);
    end
  end

  initial begin
    @(negedge clk);
    for (i = 0; i < 400; i = i + 1) begin
      if (i > 0) begin
        samples = samples + 1;
        if (det !== model_det) mismatches = mismatches + 1;
      end
      rst = (i < 2) || (i > 40 && ($random(seed) & 31) == 0);
      din = (i >= 2 && i < 18) ? directed[i - 2] : $random(seed);
      @(negedge clk);
    end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end

  initial begin
    #100000;
    $display("TIMEOUT");
    $finish;
  end
endmodule
