#!/bin/sh
# Re-record the waveforms and front-end trees the unit tests read. Run from tests/data/trace: sh record.sh
# Each VCD comes from the same helper module the simulate tool compiles beside the testbench.
set -eu
cd src
R=../rec
vcd() {  # vcd OUT TOP FILES...: simulate with a dump of TOP's whole hierarchy into $R/OUT
  out=$1; top=$2; shift 2
  printf 'module _chipsmith_vcd;\n  initial begin\n    $dumpfile("%s");\n    $dumpvars(0, %s);\n  end\nendmodule\n' "$R/$out" "$top" > /tmp/_chipsmith_vcd.v
  iverilog -g2012 -Wall -Winfloop -Wno-timescale -I. -s "$top" -s _chipsmith_vcd -o /tmp/rec.vvp "$@" /tmp/_chipsmith_vcd.v
  vvp -n /tmp/rec.vvp > "$R/${out%.vcd}.log" 2>&1 || true
}
xml() {  # xml OUT TOP FILES...: Verilator's tree, as the tracer's front end runs it
  out=$1; top=$2; shift 2
  verilator --xml-only --xml-output "$R/$out" -fno-dfg -Wno-fatal -Wno-lint -Wno-style --timing -I. --top-module "$top" "$@"
}
vcd acc8_bug.vcd tb acc8_tb.sv acc8_bug.v
vcd acc8_ref.vcd tb acc8_tb.sv acc8.v
vcd acc8_exp_bug.vcd tb_exp acc8_exp_tb.sv acc8_bug.v
vcd acc8_msg_bug.vcd tb_msg acc8_msg_tb.sv acc8_bug.v
vcd ve_bug.vcd tb ve_test.sv ve_ref.sv ve_bug.sv
xml hier.xml top hier.v
xml acc8_bug.xml tb acc8_tb.sv acc8_bug.v
xml acc8_ref.xml tb acc8_tb.sv acc8.v
xml ve_bug.xml tb ve_test.sv ve_ref.sv ve_bug.sv
rm -f /tmp/rec.vvp /tmp/_chipsmith_vcd.v
