module sorry_tb;
  typedef struct { int x; } s_t;
  s_t s;
  initial s.x = 1;
endmodule
