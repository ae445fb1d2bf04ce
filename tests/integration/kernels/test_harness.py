"""Honest kernels pass on the harness's own test tasks; broken ones get the right failure class."""

from __future__ import annotations

import pytest

from chipsmith.benchmarks.kernel_eval import evaluate
from chipsmith.benchmarks.kernel_tasks import null_candidate, reference_candidate
from chipsmith.benchmarks.task import Task
from chipsmith.tools.kernels.verdicts import unmeasured
from helpers import require_module, require_tool
from kernel_testlib import DATA, candidate, header

pytestmark = pytest.mark.integration


SOLUTIONS = [
    (d.name, p.stem)
    for d in sorted((DATA / "tasks").iterdir())
    for p in sorted((d / "solutions").glob("*.py"))
]
DIR_IDS = {
    "01_relu": "t-relu",
    "02_softmax": "t-softmax",
    "03_linear": "t-linear",
    "04_linear_loose": "t-linear-loose",
}


@pytest.fixture(autouse=True)
def _tools() -> None:
    require_tool("g++")
    require_module("torch")


@pytest.mark.parametrize("tid,backend", SOLUTIONS)
def test_honest_solution_passes(kernel_tasks: dict[str, Task], tid: str, backend: str) -> None:
    if backend == "triton":
        require_module("triton")
    task = kernel_tasks[DIR_IDS[tid]]
    src = task.hidden.files[task.hidden.solutions[backend]].decode()
    res = evaluate(task, candidate(task, src, backend))
    assert (res.verdict, res.failure_class) == ("pass", "pass"), res.message
    assert res.metrics["cases"] >= 9 and res.metrics["backend"] == backend
    if backend == "cpp":
        m = res.metrics
        assert m["candidate_ms"] > 0 and m["baseline_ms"] > 0
        if unmeasured(
            m["candidate_ms"], m["channel_ms"]
        ):  # a loaded machine: the call hid in the channel's time
            assert m["speedup"] is None and any(f.startswith("not measured") for f in m["flags"])
        else:
            assert m["speedup"] > 0
    else:  # the Triton interpreter: correctness only, no speedup
        assert res.metrics["speedup"] is None


@pytest.mark.parametrize("name", ["segfault", "compile_error", "no_modelnew", "raises"])
def test_broken_candidates_are_classified(kernel_tasks: dict[str, Task], name: str) -> None:
    path = DATA / "bad" / f"{name}.py"
    task = kernel_tasks["t-relu"]
    res = evaluate(task, candidate(task, path.read_text(), "cpp"), time=False)
    assert res.verdict == "fail" and res.failure_class == header(path)["expect"], res.message


def test_hanging_candidate_times_out(kernel_tasks: dict[str, Task]) -> None:
    task = kernel_tasks["t-relu"].model_copy(deep=True)
    task.hidden.settings["timeout_s"] = 12
    res = evaluate(task, candidate(task, (DATA / "bad" / "hang.py").read_text(), "cpp"), time=False)
    assert (res.verdict, res.failure_class) == ("fail", "timeout"), res.message


def test_unknown_backend_and_garbage_source(kernel_tasks: dict[str, Task]) -> None:
    task = kernel_tasks["t-relu"]
    assert evaluate(task, candidate(task, "x = 1", "fortran")).failure_class == "compile"
    assert evaluate(task, candidate(task, "def (:", "cpp")).failure_class == "compile"


@pytest.mark.parametrize("tid", ["t-linear"])  # t-relu's controls run in test_builtin_suite
def test_controls(kernel_tasks: dict[str, Task], tid: str) -> None:
    task = kernel_tasks[tid]
    ref = evaluate(task, reference_candidate(task), time=False)
    assert (ref.verdict, ref.metrics["speedup"]) == ("pass", 1.0), ref.message
    null = evaluate(task, null_candidate(task), time=False)
    assert (null.verdict, null.failure_class) == ("fail", "mismatch"), null.message


def test_candidate_reaches_no_secret(kernel_tasks: dict[str, Task]) -> None:
    """A candidate that looks for the job, the reference, the libraries, the supervisor's memory,
    environment and descriptors, secrets in its own memory and capabilities finds none of them."""
    task = kernel_tasks["t-relu"]
    res = evaluate(
        task, candidate(task, (DATA / "bad" / "spy.py").read_text(), "cpp"), static=False, time=False
    )
    assert (res.verdict, res.failure_class) == ("pass", "pass"), res.message


def test_the_spy_would_see_a_secret(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Positive control: the spy's detectors do find a secret and a readable /proc entry."""
    import json
    import os
    import re

    src = (DATA / "bad" / "spy.py").read_text().replace("\nspy()\n", "\n")
    ns: dict = {}
    exec(compile(src, "spy.py", "exec"), ns)  # noqa: S102 - our own test file
    planted = json.dumps({"key": "ab" * 32, "seed": 5, "device": "cpu"}).encode()
    found = ns["_own_memory_has"](
        {re.compile(rb'"key": "[0-9a-f]{64}"'), re.compile(rb'"seed": [0-9]+, "device"')}
    )
    assert len(found) == 2 and planted
    assert ns["_readable"](f"/proc/{os.getpid()}/environ")
