`timescale 1ns/1ps
module tb;
  reg clk = 0;
  always #5 clk = ~clk;
  reg rst;
  integer samples = 0, mismatches = 0, cyc, seed = 62;
  reg rx;
  wire [7:0] data;
  wire valid, frame_err;
  reg mact, mvalid, mferr;
  reg [7:0] mdata, msh;
  integer mt;
  // stimulus generator state: a frame being sent bit by bit
  reg [10:0] tx_frame;
  reg [7:0] tx_byte;
  reg tx_stop;
  integer tx_pos, gap;
  uart_rx dut(.clk(clk), .rst(rst), .rx(rx), .data(data), .valid(valid), .frame_err(frame_err));
  always @(posedge clk) begin
    mvalid <= 0; mferr <= 0;
    if (rst) begin mact <= 0; mt <= 0; mdata <= 0; end
    else if (!mact) begin
      if (rx == 0) begin mact <= 1; mt <= 1; end
    end else begin
      mt <= mt + 1;
      if (mt == 2 && rx == 1) mact <= 0;
      if (mt >= 6 && mt <= 34 && (mt - 6) % 4 == 0) msh[(mt - 6) / 4] <= rx;
      if (mt == 38) begin mact <= 0; mdata <= msh; mvalid <= rx; mferr <= !rx; end
    end
  end
  task drive;
    begin
      // after a reset the next frame may start at once (gap 0) or after up to 3 idle cycles
      if (tx_pos === 32'bx || rst) begin tx_pos = -1; gap = $random(seed) & 3; rx = 1; end
      else if (tx_pos < 0) begin
        rx = 1;
        if (gap > 0) gap = gap - 1;
        else begin
          // new frame: idle, stop, 8 data bits, start; the stop bit is bad 1 time in 8,
          // sometimes only a glitch is sent. Sized temporaries: a bare $random is 32 bits wide.
          tx_stop = (($random(seed) & 7) != 0);
          tx_byte = $random(seed);
          tx_frame = {1'b1, tx_stop, tx_byte, 1'b0};
          tx_pos = 0;
          if (($random(seed) & 15) == 0) begin tx_frame = 11'h7fe; tx_pos = 38; end  // 1-2 cycle glitch
          rx = 0;
        end
      end else begin
        tx_pos = tx_pos + 1;
        if (tx_pos >= 40 + ($random(seed) & 1)) begin
          tx_pos = -1; rx = 1; gap = $random(seed) & 7;
        end else rx = tx_frame[tx_pos / 4];
      end
    end
  endtask
  task check;
    begin
      samples = samples + 1;
      if ({data, valid, frame_err} !== {mdata, mvalid, mferr}) begin
        mismatches = mismatches + 1;
        if (mismatches <= 5) $display("MISMATCH cyc=%0d data=%h v=%b fe=%b exp %h %b %b", cyc, data, valid, frame_err, mdata, mvalid, mferr);
      end
    end
  endtask
  initial begin #220000; $display("TIMEOUT"); $finish; end
  initial begin
    rst = 1; drive;
    @(negedge clk);
    for (cyc = 0; cyc < 12000; cyc = cyc + 1) begin
      rst = (cyc < 2) || (($random(seed) & 255) == 0);
      drive;
      #1 check;
      @(negedge clk);
    end
    $display("Mismatches: %0d in %0d samples", mismatches, samples);
    $finish;
  end
endmodule
