"""Raw-tools baseline for an RTLLM checkout, without chipsmith: the figure chipsmith's RTLLM adapter
must match (docs/benchmarks.md, "RTLLM v2 measured").

For every design dir (a ``testbench.v`` with a ``verified_*.v`` beside it): rename the verified
module to the module the testbench instantiates and does not define, then ``iverilog -g2012`` and
``vvp`` (60 s limit). Prints one line per design, then the totals. Two verdicts per design: RTLLM's
own rule (any "pass" in the output, case-insensitive: ``loose-only`` when only it holds) and the
banner rule (``Your Design Passed``).

    python3 scripts/raw_rtllm.py RTLLM_DIR
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

MODULE = re.compile(r"\bmodule\s+([A-Za-z_]\w*)")
# A module instance: a name, an optional #(...) parameter list, an instance name, then "(".
INSTANCE = re.compile(
    r"(?<![$.\w])([A-Za-z_]\w*)(?:\s*#\s*\((?:[^()]|\([^()]*\))*\)\s*|\s+)[A-Za-z_]\w*\s*\("
)
KEYWORDS = set(
    [
        "module",
        "reg",
        "wire",
        "integer",
        "input",
        "output",
        "assign",
        "always",
        "initial",
        "parameter",
        "localparam",
        "genvar",
        "for",
        "if",
        "else",
        "begin",
        "end",
        "real",
        "time",
        "logic",
        "bit",
        "int",
        "forever",
        "repeat",
        "while",
        "wait",
        "case",
        "endcase",
        "function",
        "task",
        "return",
        "posedge",
        "negedge",
        "or",
        "and",
        "not",
    ]
)


def strip_comments(text: str) -> str:
    return re.sub(r"//[^\n]*|/\*.*?\*/", " ", text, flags=re.S)


def instantiated_top(testbench: str) -> str | None:
    """The first module the testbench instantiates and does not define."""
    defined = set(MODULE.findall(testbench))
    names = [m for m in INSTANCE.findall(testbench) if m not in defined and m not in KEYWORDS]
    return names[0] if names else None


def run_design(design: Path) -> tuple[str, str | None, str]:
    """(verdict, top, last output line) of one design dir."""
    verified = sorted(design.glob("verified_*.v"))
    if not verified:
        return "no-verified", None, ""
    top = instantiated_top(strip_comments((design / "testbench.v").read_text(errors="replace")))
    source = verified[0].read_text(errors="replace")
    modules = MODULE.findall(strip_comments(source))
    if top and modules and top not in modules:
        source = re.sub(rf"\bmodule\s+{re.escape(modules[0])}\b", f"module {top}", source, count=1)
    work = Path(tempfile.mkdtemp())
    try:
        for path in design.iterdir():
            if path.is_file():
                shutil.copy(path, work / path.name)
        (work / "dut_renamed.v").write_text(source)
        build = subprocess.run(["iverilog", "-g2012", "-o", "x", "testbench.v", "dut_renamed.v"],
                               cwd=work, capture_output=True, text=True)  # fmt: skip
        if build.returncode:
            lines = (build.stdout + build.stderr).strip().splitlines()
            return "compile", top, lines[0] if lines else ""
        try:
            run = subprocess.run(["vvp", "-n", "x"], cwd=work, capture_output=True, text=True, timeout=60)
        except subprocess.TimeoutExpired:
            return "timeout", top, ""
        out = run.stdout + run.stderr
        banner = re.search(r"Your\s*Design\s*Passed", out, re.I) is not None
        verdict = "pass" if banner else ("loose-only" if "pass" in out.lower() else "fail")
        last = [line for line in out.strip().splitlines() if line.strip()][-1:] or [""]
        return verdict, top, last[0][:100]
    finally:
        shutil.rmtree(work)


def main(root: Path) -> None:
    counts: Counter[str] = Counter()
    for testbench in sorted(root.rglob("testbench.v")):
        verdict, top, last = run_design(testbench.parent)
        counts[verdict] += 1
        print("\t".join([str(testbench.parent.relative_to(root)), verdict, top or "", last]))
    print(json.dumps(counts), "of", sum(counts.values()))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
