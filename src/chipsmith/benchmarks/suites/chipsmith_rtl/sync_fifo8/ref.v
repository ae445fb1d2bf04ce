module sync_fifo8(input clk, input rst, input push, input [7:0] din, input pop,
                  output [7:0] dout, output empty, output full, output reg [3:0] count);
  reg [7:0] mem [0:7];
  reg [2:0] rptr, wptr;
  wire do_push = push && !full;
  wire do_pop = pop && !empty;
  assign empty = (count == 4'd0);
  assign full = (count == 4'd8);
  assign dout = empty ? 8'd0 : mem[rptr];
  always @(posedge clk) begin
    if (rst) begin
      rptr <= 3'd0; wptr <= 3'd0; count <= 4'd0;
    end else begin
      if (do_push) begin
        mem[wptr] <= din;
        wptr <= wptr + 3'd1;
      end
      if (do_pop) rptr <= rptr + 3'd1;
      count <= count + {3'd0, do_push} - {3'd0, do_pop};
    end
  end
endmodule
