#!/usr/bin/env python3
"""Regenerate the recorded tool errors behind the knowledge base's error entries.

Each case is a small broken input plus the command that shows the error. The script writes the
input and the tool's raw output (stdout then stderr, the temporary directory replaced by ``.``)
under ``tests/data/knowledge/errors/<case>/``. The error entries in
``src/chipsmith/knowledge/corpus/errors/*.md`` quote these outputs; a unit test checks that every
quoted message still occurs in its recording.

Usage: ``.venv/bin/python scripts/record_errors.py [CASE...]`` (all cases when none is named).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "knowledge" / "errors"
PY = str(ROOT / ".venv" / "bin" / "python")

IVL = ["iverilog", "-g2012", "-o", "a.out", "top.v"]
IVL_2005 = ["iverilog", "-g2005", "-o", "a.out", "top.v"]
VLT = ["verilator", "--lint-only", "-Wall", "top.v"]
YS = ["yosys", "-q", "-p", "read_verilog top.v; synth -top top"]
NVCC = ["nvcc", "-c", "k.cu", "-o", "k.o"]
TRI = [PY, "k.py"]

# name -> (files, command). Names start with the tool; the corpus cites them.
CASES: dict[str, tuple[dict[str, str], list[str]]] = {
    # ---------------------------------------------------------------- iverilog 11
    "iverilog_unbound": (
        {"top.v": "module top(input a, output y);\n  assign y = a & b;\nendmodule\n"},
        IVL,
    ),
    "iverilog_syntax_semicolon": (
        {"top.v": "module top(input a, output y);\n  wire t\n  assign y = a;\nendmodule\n"},
        IVL,
    ),
    "iverilog_reg_cont_assign": (
        {"top.v": "module top(input a, output y);\n  reg r;\n  assign r = a;\n  assign y = r;\nendmodule\n"},
        IVL_2005,
    ),
    "iverilog_wire_lvalue": (
        {
            "top.v": "module top(input clk, input a, output y);\n  wire q;\n  always @(posedge clk) q <= a;\n"
            "  assign y = q;\nendmodule\n"
        },
        IVL_2005,
    ),
    "iverilog_unknown_module": (
        {"top.v": "module top(input a, output y);\n  inverter u1(.a(a), .y(y));\nendmodule\n"},
        IVL,
    ),
    "iverilog_bad_port_name": (
        {
            "top.v": "module inv(input a, output y);\n  assign y = ~a;\nendmodule\n"
            "module top(input a, output y);\n  inv u1(.in(a), .y(y));\nendmodule\n"
        },
        IVL,
    ),
    "iverilog_redeclared": (
        {
            "top.v": "module top(input a, output y);\n  wire t;\n  wire t;\n  assign t = a;\n  assign y = t;\nendmodule\n"
        },
        IVL,
    ),
    "iverilog_port_width": (
        {
            "top.v": "module add8(input [7:0] a, output [7:0] y);\n  assign y = a + 8'd1;\nendmodule\n"
            "module top(input [3:0] a, output [7:0] y);\n  add8 u1(.a(a), .y(y));\nendmodule\n"
        },
        IVL,
    ),
    "iverilog_include_missing": (
        {"top.v": '`include "defs.vh"\nmodule top(input a, output y);\n  assign y = a;\nendmodule\n'},
        IVL,
    ),
    "iverilog_sv_without_g2012": (
        {
            "top.v": "module top(input logic clk, input logic a, output logic y);\n"
            "  always_ff @(posedge clk) y <= a;\nendmodule\n"
        },
        ["iverilog", "-o", "a.out", "top.v"],
    ),
    "iverilog_readmemh_missing": (
        {
            "top.v": 'module top;\n  reg [7:0] mem [0:15];\n  initial begin\n    $readmemh("data.hex", mem);\n'
            "    $finish;\n  end\nendmodule\n"
        },
        ["sh", "-c", "iverilog -g2012 -o a.out top.v && vvp -n a.out"],
    ),
    "iverilog_timescale_inherited": (
        {
            "top.v": "`timescale 1ns/1ps\nmodule tb;\n  dut u();\n  initial #5 $finish;\nendmodule\n",
            "dut.v": 'module dut;\n  initial #1 $display("hi");\nendmodule\n',
        },
        ["iverilog", "-Wall", "-g2012", "-o", "a.out", "top.v", "dut.v"],
    ),
    "iverilog_undefined_systask": (
        {"top.v": 'module top;\n  initial begin\n    $dispaly("x");\n  end\nendmodule\n'},
        ["sh", "-c", "iverilog -g2012 -o a.out top.v; vvp -n a.out"],
    ),
    "iverilog_missing_endmodule": (
        {"top.v": "module top(input a, output y);\n  assign y = a;\n"},
        IVL,
    ),
    "iverilog_nonconst_width": (
        {"top.v": "module top(input [3:0] n, output y);\n  wire [n:0] w;\n  assign y = w[0];\nendmodule\n"},
        IVL,
    ),
    # ---------------------------------------------------------------- verilator 5.006
    "verilator_undefined_var": (
        {"top.v": "module top(input a, output y);\n  assign y = a & b;\nendmodule\n"},
        VLT,
    ),
    "verilator_unused": (
        {"top.v": "module top(input [7:0] a, output y);\n  assign y = a[0];\nendmodule\n"},
        VLT,
    ),
    "verilator_width": (
        {"top.v": "module top(input [7:0] a, output [3:0] y);\n  assign y = a;\nendmodule\n"},
        VLT,
    ),
    "verilator_blkseq": (
        {
            "top.v": "module top(input clk, input a, output reg y);\n  always @(posedge clk) y = a;\nendmodule\n"
        },
        VLT,
    ),
    "verilator_latch": (
        {
            "top.v": "module top(input en, input a, output reg y);\n  always @* begin\n    if (en) y = a;\n"
            "  end\nendmodule\n"
        },
        VLT,
    ),
    "verilator_caseincomplete": (
        {
            "top.v": "module top(input [1:0] s, input a, output reg y);\n  always @* begin\n    y = 1'b0;\n"
            "    case (s)\n      2'd0: y = a;\n      2'd1: y = ~a;\n    endcase\n  end\nendmodule\n"
        },
        VLT,
    ),
    "verilator_multidriven": (
        {
            "top.v": "module top(input clk, input clk2, input a, input b, output reg [1:0] y);\n"
            "  always @(posedge clk) y[0] <= a;\n  always @(posedge clk2) y <= {b, b};\nendmodule\n"
        },
        VLT,
    ),
    "verilator_unoptflat": (
        {
            "top.v": "module top(input a, output y);\n  wire [1:0] x;\n  assign x[0] = a ^ x[1];\n"
            "  assign x[1] = x[0];\n  assign y = x[1];\nendmodule\n"
        },
        VLT,
    ),
    "verilator_declfilename": (
        {"adder.v": "module top(input a, output y);\n  assign y = a;\nendmodule\n"},
        ["verilator", "--lint-only", "-Wall", "adder.v"],
    ),
    "verilator_module_not_found": (
        {"top.v": "module top(input a, output y);\n  inverter u1(.a(a), .y(y));\nendmodule\n"},
        VLT,
    ),
    "verilator_pinmissing": (
        {
            "top.v": "module inv(input a, input b, output y);\n  assign y = ~a & b;\nendmodule\n"
            "module top(input a, output y);\n  inv u1(.a(a), .y(y));\nendmodule\n"
        },
        VLT,
    ),
    "verilator_blkandnblk": (
        {
            "top.v": "module top(input clk, input a, output [1:0] y);\n  reg [1:0] r;\n"
            "  always @(posedge clk) r[0] <= a;\n  always @(posedge clk) r[1] = a;\n  assign y = r;\nendmodule\n"
        },
        VLT,
    ),
    "verilator_undriven": (
        {"top.v": "module top(input a, output y, output z);\n  assign y = a;\nendmodule\n"},
        VLT,
    ),
    "verilator_syntax": (
        {"top.v": "module top(input a, output y)\n  assign y = a;\nendmodule\n"},
        VLT,
    ),
    "verilator_initialdly": (
        {
            "top.v": "module top(input clk, output reg y);\n  initial y <= 1'b0;\n"
            "  always @(posedge clk) y <= ~y;\nendmodule\n"
        },
        VLT,
    ),
    # ---------------------------------------------------------------- yosys 0.23
    "yosys_implicit": (
        {"top.v": "module top(input a, output y);\n  assign y = a & b;\nendmodule\n"},
        YS,
    ),
    "yosys_syntax": (
        {"top.v": "module top(input a, output y);\n  assign y = a\nendmodule\n"},
        YS,
    ),
    "yosys_missing_module": (
        {"top.v": "module top(input a, output y);\n  inverter u1(.a(a), .y(y));\nendmodule\n"},
        YS,
    ),
    "yosys_top_not_found": (
        {"top.v": "module adder(input a, output y);\n  assign y = a;\nendmodule\n"},
        YS,
    ),
    "yosys_redefinition": (
        {
            "top.v": "module top(input a, output y);\n  assign y = a;\nendmodule\n"
            "module top(input a, output y);\n  assign y = ~a;\nendmodule\n"
        },
        YS,
    ),
    "yosys_sv_without_flag": (
        {
            "top.v": "module top(input logic clk, input logic a, output logic y);\n"
            "  always_ff @(posedge clk) y <= a;\nendmodule\n"
        },
        YS,
    ),
    "yosys_multiple_drivers": (
        {"top.v": "module top(input a, input b, output y);\n  assign y = a;\n  assign y = b;\nendmodule\n"},
        ["yosys", "-q", "-p", "read_verilog top.v; synth -top top; check -assert"],
    ),
    "yosys_logic_loop": (
        {
            "top.v": "module top(input a, output y);\n  wire t;\n  assign t = ~(a & t);\n  assign y = t;\nendmodule\n"
        },
        ["yosys", "-q", "-p", "read_verilog top.v; synth -top top; check -assert"],
    ),
    "yosys_latch": (
        {
            "top.v": "module top(input en, input a, output reg y);\n  always @* begin\n    if (en) y = a;\n"
            "  end\nendmodule\n"
        },
        ["yosys", "-p", "read_verilog top.v; proc"],
    ),
    "yosys_port_not_found": (
        {
            "top.v": "module inv(input a, output y);\n  assign y = ~a;\nendmodule\n"
            "module top(input a, output y);\n  inv u1(.in(a), .y(y));\nendmodule\n"
        },
        YS,
    ),
    "yosys_nonconst_loop": (
        {
            "top.v": "module top(input [3:0] n, input [7:0] d, output reg y);\n  integer i;\n  always @* begin\n"
            "    y = 1'b0;\n    for (i = 0; i < n; i = i + 1) y = y ^ d[i];\n  end\nendmodule\n"
        },
        YS,
    ),
    # ---------------------------------------------------------------- nvcc 13.0
    "nvcc_undefined_identifier": (
        {"k.cu": "__global__ void k(float* x) {\n  x[threadIdx.x] = scale * x[threadIdx.x];\n}\n"},
        NVCC,
    ),
    "nvcc_host_from_device": (
        {
            "k.cu": "float twice(float v) { return 2.0f * v; }\n"
            "__global__ void k(float* x) {\n  x[threadIdx.x] = twice(x[threadIdx.x]);\n}\n"
        },
        NVCC,
    ),
    "nvcc_global_nonvoid": (
        {"k.cu": "__global__ int k(float* x) {\n  x[threadIdx.x] = 0.0f;\n  return 0;\n}\n"},
        NVCC,
    ),
    "nvcc_unconfigured_launch": (
        {
            "k.cu": "__global__ void k(float* x) { x[threadIdx.x] = 0.0f; }\n"
            "void run(float* x) {\n  k(x);\n}\n"
        },
        NVCC,
    ),
    "nvcc_too_much_shared": (
        {
            "k.cu": "__global__ void k(float* x) {\n  __shared__ float buf[32768];\n"
            "  buf[threadIdx.x] = x[threadIdx.x];\n  __syncthreads();\n  x[threadIdx.x] = buf[255 - threadIdx.x];\n}\n"
        },
        NVCC,
    ),
    "nvcc_bad_arch": (
        {"k.cu": "__global__ void k(float* x) { x[threadIdx.x] = 0.0f; }\n"},
        ["nvcc", "-arch=sm_30", "-c", "k.cu", "-o", "k.o"],
    ),
    "nvcc_missing_include": (
        {"k.cu": '#include "helpers.cuh"\n__global__ void k(float* x) { x[threadIdx.x] = 0.0f; }\n'},
        NVCC,
    ),
    # ---------------------------------------------------------------- Triton 3.9 (TRITON_INTERPRET=1)
    "triton_arange_not_pow2": (
        {
            "k.py": "import torch\nimport triton\nimport triton.language as tl\n\n\n@triton.jit\n"
            "def copy(x, y, n):\n    offs = tl.arange(0, 24)\n    m = offs < n\n"
            "    tl.store(y + offs, tl.load(x + offs, mask=m), mask=m)\n\n\n"
            "a = torch.randn(24)\nb = torch.empty_like(a)\ncopy[(1,)](a, b, 24)\n"
        },
        TRI,
    ),
    "triton_arange_not_constexpr": (
        {
            "k.py": "import torch\nimport triton\nimport triton.language as tl\n\n\n@triton.jit\n"
            "def copy(x, y, n, BLOCK):\n    offs = tl.arange(0, BLOCK)\n    m = offs < n\n"
            "    tl.store(y + offs, tl.load(x + offs, mask=m), mask=m)\n\n\n"
            "a = torch.randn(64)\nb = torch.empty_like(a)\ncopy[(1,)](a, b, 64, 64)\n"
        },
        TRI,
    ),
    "triton_missing_constexpr_arg": (
        {
            "k.py": "import torch\nimport triton\nimport triton.language as tl\n\n\n@triton.jit\n"
            "def copy(x, y, n, BLOCK: tl.constexpr):\n    offs = tl.arange(0, BLOCK)\n    m = offs < n\n"
            "    tl.store(y + offs, tl.load(x + offs, mask=m), mask=m)\n\n\n"
            "a = torch.randn(64)\nb = torch.empty_like(a)\ncopy[(1,)](a, b, 64)\n"
        },
        TRI,
    ),
    "triton_dot_shape": (
        {
            "k.py": "import torch\nimport triton\nimport triton.language as tl\n\n\n@triton.jit\n"
            "def mm(a, b, c):\n    i = tl.arange(0, 16)\n    j = tl.arange(0, 32)\n"
            "    x = tl.load(a + i[:, None] * 32 + j[None, :])\n    y = tl.load(b + i[:, None] * 32 + j[None, :])\n"
            "    tl.store(c + i[:, None] * 16 + i[None, :], tl.dot(x, y))\n\n\n"
            "a = torch.randn(16, 32)\nb = torch.randn(16, 32)\nc = torch.empty(16, 16)\nmm[(1,)](a, b, c)\n"
        },
        TRI,
    ),
    "triton_no_grid": (
        {
            "k.py": "import torch\nimport triton\nimport triton.language as tl\n\n\n@triton.jit\n"
            "def zero(x, BLOCK: tl.constexpr):\n    offs = tl.arange(0, BLOCK)\n    tl.store(x + offs, 0.0)\n\n\n"
            "a = torch.randn(64)\nzero(a, BLOCK=64)\n"
        },
        TRI,
    ),
    "triton_python_call_in_kernel": (
        {
            "k.py": "import math\n\nimport torch\nimport triton\nimport triton.language as tl\n\n\n@triton.jit\n"
            "def sq(x, BLOCK: tl.constexpr):\n    offs = tl.arange(0, BLOCK)\n    v = tl.load(x + offs)\n"
            "    tl.store(x + offs, math.sqrt(v))\n\n\n"
            "a = torch.rand(64)\nsq[(1,)](a, BLOCK=64)\n"
        },
        TRI,
    ),
}


def record(name: str, files: dict[str, str], cmd: list[str]) -> str:
    """Run one case in a fresh directory; store its inputs and normalised output; return the output."""
    case_dir = OUT / name
    if case_dir.exists():
        shutil.rmtree(case_dir)
    case_dir.mkdir(parents=True)
    env = dict(os.environ, TRITON_INTERPRET="1", LC_ALL="C")
    with tempfile.TemporaryDirectory(prefix="kb-err-") as tmp:
        for fname, text in files.items():
            (Path(tmp) / fname).write_text(text)
            (case_dir / fname).write_text(text)
        proc = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True, timeout=120)
        out = (proc.stdout + proc.stderr).replace(tmp, ".").replace(str(ROOT), "<repo>")
    shown = " ".join(c if " " not in c else repr(c) for c in cmd).replace(PY, "python")
    (case_dir / "cmd.txt").write_text(f"{shown}\nexit code: {proc.returncode}\n")
    (case_dir / "output.txt").write_text(out)
    return out


def main(argv: list[str]) -> int:
    names = argv or list(CASES)
    unknown = [n for n in names if n not in CASES]
    if unknown:
        print(f"unknown case(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    for name in names:
        files, cmd = CASES[name]
        if shutil.which(cmd[0]) is None and not Path(cmd[0]).exists():
            print(f"skipped {name}: {cmd[0]} not found", file=sys.stderr)
            continue
        out = record(name, files, cmd)
        print(f"== {name}\n{out.strip()[-1500:]}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
