"""The built-in suite's honest solutions pass and the controls score 100% / 0%.

The whole suite (29 tasks x cpp, triton, reference and null controls: about 4 minutes on two idle
cores) runs by default, as in CI; CHIPSMITH_KERNEL_SUITE=fast keeps only the ReLU task for quick
local iterations.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chipsmith.benchmarks.kernel_eval import evaluate
from chipsmith.benchmarks.kernel_tasks import null_candidate, reference_candidate
from chipsmith.benchmarks.task import Candidate, Task
from helpers import require_module, require_tool

pytestmark = pytest.mark.integration

SUITE = Path(__file__).resolve().parents[3] / "src/chipsmith/benchmarks/suites/chipsmith_kernels"
FULL = os.environ.get("CHIPSMITH_KERNEL_SUITE", "full") != "fast"
FAST = {"03_relu": ("cpp", "triton")}
DIRS = sorted(d.name for d in SUITE.glob("*") if (d / "task.toml").is_file()) if SUITE.is_dir() else []


def load(name: str) -> Task:
    from chipsmith.benchmarks.kernel_suites import load_task_dir

    return load_task_dir(SUITE / name)


def cases() -> list[tuple[str, str]]:
    out = []
    for name in DIRS:
        for backend in ("cpp", "triton", "reference", "null"):
            fast = backend in FAST.get(name, ()) or (backend in ("reference", "null") and name in FAST)
            if (
                backend in ("reference", "null") or (SUITE / name / "solutions" / f"{backend}.py").is_file()
            ) and (fast or FULL):
                out.append((name, backend))
    return out


@pytest.mark.skipif(not DIRS, reason="built-in suite not present")
@pytest.mark.parametrize("name,backend", cases())
def test_suite_solution_or_control(name: str, backend: str) -> None:
    require_tool("g++")
    require_module("torch")
    if backend == "triton":
        require_module("triton")
    task = load(name)
    if backend == "reference":
        cand = reference_candidate(task)
    elif backend == "null":
        cand = null_candidate(task)
    else:
        src = task.hidden.files[task.hidden.solutions[backend]].decode()
        cand = Candidate(task_id=task.id, files={"candidate.py": src}, backend=backend)
    res = evaluate(task, cand, time=False)
    if backend == "null":
        assert (res.verdict, res.failure_class) == ("fail", "mismatch"), res.message
    else:
        assert (res.verdict, res.failure_class) == ("pass", "pass"), res.message
