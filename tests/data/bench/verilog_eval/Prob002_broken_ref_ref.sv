module RefModule (
  input a,
  output y
);
  assign y = ~a   // missing semicolon: broken upstream
endmodule
