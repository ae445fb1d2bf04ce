#!/bin/sh
# Re-record the tool logs the unit tests parse. Run from tests/data/rtl_sim: sh record.sh
# Each log holds the tool's stdout and stderr together, as the parsers receive them.
set -u
cd src
L=../logs
rec() { out=$1; shift; "$@" > "$L/$out" 2>&1; echo "exit=$?" > "$L/$out.rc"; }
VL="verilator --lint-only -Wall -Wno-fatal --timing -Wno-DECLFILENAME"
IV="iverilog -g2012 -Wall -Winfloop -Wno-timescale -t null"
rec verilator_lint_warn.log $VL warn.v
rec verilator_lint_syntax.log $VL syntax.v
rec verilator_lint_unknown.log $VL elab_unknown.v
rec verilator_lint_port.log $VL elab_port.v
rec verilator_lint_counter.log $VL ../../../../examples/counter/counter_tb.sv ../../../../examples/counter/counter.v
rec iverilog_lint_warn.log $IV warn.v
rec iverilog_syntax.log $IV syntax.v
rec iverilog_unknown.log $IV elab_unknown.v
rec iverilog_port.log $IV elab_port.v
rec iverilog_sorry.log $IV sorry.sv
rec iverilog_notop.log $IV -s nope warn.v
for d in ERROR FATAL MISM PASS TIMEOUT RTLLM_PASS RTLLM_FAIL RTLLM_COUNT RTLLM_RATIO RTLLM_XCOUNT; do
  iverilog -g2012 -DDO_$d -s verdicts_tb -o /tmp/rec.vvp verdicts_tb.sv
  rec vvp_$(echo $d | tr A-Z a-z).log vvp -n /tmp/rec.vvp
done
iverilog -g2012 -s noverdict_tb -o /tmp/rec.vvp noverdict_tb.v && rec vvp_noverdict.log vvp -n /tmp/rec.vvp
iverilog -g2012 -s readmem_tb -o /tmp/rec.vvp readmem_tb.v
(cd /tmp && rec_abs=$OLDPWD && vvp -n /tmp/rec.vvp > "$rec_abs/$L/vvp_readmem_missing.log" 2>&1; echo "exit=$?" > "$rec_abs/$L/vvp_readmem_missing.log.rc")
rm -rf /tmp/rec_obj
rec verilator_binary_sorry.log verilator --binary -j 1 -Wno-fatal --Mdir /tmp/rec_obj --top-module verdicts_tb syntax.v
for d in ERROR PASS; do
  rm -rf /tmp/rec_obj
  verilator --binary -j 1 -Wno-fatal --Mdir /tmp/rec_obj -MAKEFLAGS "OPT_FAST=-O0 OPT_SLOW=-O0 OPT_GLOBAL=-O0" \
    -DDO_$d --top-module verdicts_tb verdicts_tb.sv > /dev/null 2>&1
  rec verilator_run_$(echo $d | tr A-Z a-z).log /tmp/rec_obj/Vverdicts_tb
done
rm -rf /tmp/rec_obj /tmp/rec.vvp
