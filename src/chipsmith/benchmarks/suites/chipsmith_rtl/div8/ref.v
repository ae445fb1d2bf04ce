module div8(input clk, input rst, input start, input [7:0] dividend, input [7:0] divisor,
            output reg busy, output reg done, output reg [7:0] quotient, output reg [7:0] remainder);
  reg [7:0] dvs, q, r;
  reg [3:0] cnt;
  wire [8:0] trial = {r, q[7]};
  wire fits = trial >= {1'b0, dvs};
  wire [8:0] nr = fits ? trial - {1'b0, dvs} : trial;
  always @(posedge clk) begin
    if (rst) begin
      busy <= 1'b0; done <= 1'b0; quotient <= 8'd0; remainder <= 8'd0; cnt <= 4'd0;
      dvs <= 8'd0; q <= 8'd0; r <= 8'd0;
    end else begin
      done <= 1'b0;
      if (!busy) begin
        if (start) begin
          busy <= 1'b1; cnt <= 4'd0; q <= dividend; r <= 8'd0; dvs <= divisor;
        end
      end else begin
        // one restoring step per cycle: shift the next dividend bit into the partial remainder
        r <= nr[7:0];
        q <= {q[6:0], fits};
        cnt <= cnt + 4'd1;
        if (cnt == 4'd7) begin
          busy <= 1'b0; done <= 1'b1;
          quotient <= {q[6:0], fits};
          remainder <= nr[7:0];
        end
      end
    end
  end
endmodule
