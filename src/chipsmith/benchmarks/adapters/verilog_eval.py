"""VerilogEval v2 spec-to-RTL problems: ``ProbNNN_name_{prompt.txt,ref.sv,test.sv}`` in one folder.

The design under test is ``TopModule``, the reference ``RefModule`` and the testbench ``tb`` compares
them and prints ``Mismatches: N in M samples``. Like the published harness, each candidate is
compiled together with test.sv and ref.sv (``iverilog -g2012 -s tb``). The reference candidate is
ref.sv with its module renamed to ``TopModule``.
"""

from __future__ import annotations

import re
from pathlib import Path

from chipsmith.benchmarks.adapters._common import SuiteError, read_text, suite_dir
from chipsmith.benchmarks.task import HiddenView, PublicView, Task

SUITE = "verilog-eval"
PROMPT_RE = re.compile(r"^(Prob\d+_\w+?)_prompt\.txt$")
DUT, REF = "TopModule", "RefModule"
TIMEOUT_S = 30  # the published harness runs each simulation under `timeout 30`


def rename_reference(ref_src: str) -> str:
    """Pure: ref.sv as a candidate: its ``RefModule`` declaration renamed to ``TopModule``."""
    return re.sub(rf"\bmodule\s+{REF}\b", f"module {DUT}", ref_src)


def interface_of(ref_src: str) -> str:
    """Pure: the module header of ref.sv, renamed to TopModule (up to the first ``);``)."""
    match = re.search(rf"\bmodule\s+{REF}\b.*?\)\s*;", ref_src, re.S)
    return rename_reference(match.group(0)) if match else f"module {DUT}(...);"


def load_problem(folder: Path, name: str) -> Task:
    """One problem from its three files."""
    files = {kind: folder / f"{name}_{kind}" for kind in ("prompt.txt", "ref.sv", "test.sv")}
    missing = [p.name for p in files.values() if not p.is_file()]
    if missing:
        raise SuiteError(f"{SUITE}: {name} lacks {', '.join(missing)}")
    ref = read_text(files["ref.sv"])
    return Task(
        id=name,
        suite=SUITE,
        kind="rtl",
        category="verilog-eval",
        difficulty="medium",
        public=PublicView(
            task_id=name,
            kind="rtl",
            spec=read_text(files["prompt.txt"]),
            interface=interface_of(ref),
            top=DUT,
        ),
        hidden=HiddenView(
            files={
                "test.sv": files["test.sv"].read_bytes(),
                "ref.sv": ref.encode(),
                "reference_top.sv": rename_reference(ref).encode(),
            },
            tb_top="tb",
            reference="reference_top.sv",
            testbench="test.sv",
            settings={"timeout_s": TIMEOUT_S, "compile_with": ["test.sv", "ref.sv"]},
        ),
    )


def load_suite(path: str | None) -> list[Task]:
    """Every ``ProbNNN_name`` problem in ``path``, sorted by name."""
    folder = suite_dir(path, SUITE)
    names = sorted(m.group(1) for p in folder.iterdir() if (m := PROMPT_RE.match(p.name)))
    if not names:
        raise SuiteError(f"{SUITE}: no ProbNNN_name_prompt.txt files in {folder}")
    return [load_problem(folder, n) for n in names]
