module traffic_light(input clk, input rst, input car_ew, output reg [1:0] ns, output reg [1:0] ew);
  localparam NSG = 2'd0, NSY = 2'd1, EWG = 2'd2, EWY = 2'd3;
  reg [1:0] st;
  reg [3:0] t;
  reg leave;
  always @* begin
    case (st)
      NSG: begin ns = 2'd2; ew = 2'd0; leave = (t >= 4'd7) && car_ew; end
      NSY: begin ns = 2'd1; ew = 2'd0; leave = (t == 4'd1); end
      EWG: begin ns = 2'd0; ew = 2'd2; leave = (t == 4'd4); end
      default: begin ns = 2'd0; ew = 2'd1; leave = (t == 4'd1); end
    endcase
  end
  always @(posedge clk) begin
    if (rst) begin
      st <= NSG; t <= 4'd0;
    end else if (leave) begin
      st <= st + 2'd1; t <= 4'd0;
    end else if (t != 4'd15) begin
      t <= t + 4'd1;  // saturate: only NS_GREEN can wait long
    end
  end
endmodule
