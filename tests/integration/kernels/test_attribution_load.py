"""CPU attribution holds on a loaded machine: an honest, slow C++ kernel checked while busy
processes the test starts load every core passes, and both the worker and the ablation worker were
sampled. The supervisor used to open its sampler right after the fork, racing the forked worker
that makes itself inspectable first: under load it lost about half the time (measured: the ablation
run unsampled in 15 of 37 checks at load 5-7), and the attribution checks were silently skipped."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from chipsmith.benchmarks.kernel_eval import evaluate
from chipsmith.benchmarks.task import Task
from helpers import require_module, require_tool
from kernel_testlib import candidate

pytestmark = pytest.mark.integration

BUSY = "while True: pass"


@pytest.fixture
def loaded() -> Iterator[None]:
    """One more busy process than there are cores, stopped afterwards."""
    procs = [subprocess.Popen([sys.executable, "-c", BUSY]) for _ in range((os.cpu_count() or 1) + 1)]
    try:
        yield
    finally:
        for p in procs:
            p.kill()
            p.wait()


def slow_relu(task: Task) -> str:
    src = task.hidden.files[task.hidden.solutions["cpp"]].decode()
    body = "for (int64_t i = 0; i < n; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;"
    assert body in src
    busy = (
        "for (int64_t i = 0; i < n; ++i) {\n"
        "        volatile float sink = 0.0f;  // busy work the compiler must keep\n"
        "        for (int k = 0; k < 64; ++k) sink = sink + x[i];\n"
        "        y[i] = x[i] > 0.0f ? x[i] : 0.0f;\n    }"
    )
    return src.replace(body, busy)


def test_slow_honest_kernel_passes_sampled_under_load(kernel_tasks: dict[str, Task], loaded: None) -> None:
    require_tool("g++")
    require_module("torch")
    task = kernel_tasks["t-relu"]
    src = slow_relu(task)
    for _ in range(5):  # on the old code, 3 rounds of this failed 1 run in 3; a round takes ~3 s
        res = evaluate(task, candidate(task, src, "cpp"))
        assert (res.verdict, res.failure_class) == ("pass", "pass"), res.message
        watch = res.metrics["watch"]
        assert watch.get("worker_cpu_samples", {}).get("poison", {}).get("kernel", 0) > 0, watch
        assert watch.get("ablation_cpu_samples", {}).get("poison", {}).get("calls") == 10, watch
