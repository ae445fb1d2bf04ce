"""The HPC and CUDA-to-C++ tasks of chipsmith-kernels: usable references, fixed sparse structure,
and the real harness on one solution of each kind (the whole suite's solutions and controls run in
tests/integration/kernels/test_builtin_suite.py)."""

from __future__ import annotations

import pytest

from chipsmith.benchmarks.kernel_suites import load_chipsmith_kernels, validate_tasks
from chipsmith.benchmarks.task import Candidate, Task
from helpers import require_module, require_tool

pytestmark = pytest.mark.integration

NEW = [t for t in load_chipsmith_kernels() if t.id.startswith(("hpc_", "cuda2cpp_"))]


def _task(task_id: str) -> Task:
    return next(t for t in NEW if t.id == task_id)


def test_there_are_eight_hpc_and_at_least_eight_translation_tasks():
    assert len([t for t in NEW if t.id.startswith("hpc_")]) == 8
    assert len([t for t in NEW if t.category == "cuda2cpp"]) >= 8


def test_every_new_reference_is_usable():
    require_module("torch")
    problems = validate_tasks(NEW)
    assert problems == {t.id: [] for t in NEW}


def test_sparse_structure_is_fixed_and_values_are_drawn():
    require_module("torch")
    import torch

    from chipsmith.tools.kernels._worker_common import load_source

    task = _task("hpc_spmv_csr")
    mod = load_source(task.hidden.files["reference.py"].decode(), "_ref_spmv", "reference.py")
    mod.__dict__.update(task.hidden.settings["shapes"][1])
    runs = []
    for seed in (1, 2):
        torch.manual_seed(seed)
        runs.append(mod.get_inputs())
    (rp1, col1, v1, x1), (rp2, col2, v2, x2) = runs
    assert rp1.dtype == col1.dtype == torch.int32
    assert torch.equal(rp1, rp2) and torch.equal(col1, col2)
    assert not torch.equal(v1, v2) and not torch.equal(x1, x2)
    lengths = rp1[1:] - rp1[:-1]
    assert int(rp1[-1]) == col1.numel() == 1000 * 5  # exactly ROWS * NNZ_PER_ROW entries
    assert int((lengths == 0).sum()) > 0 and int(lengths.max()) > 5  # empty and long rows


def _run(task: Task, backend: str, source: str):  # type: ignore[no-untyped-def]
    from chipsmith.benchmarks.kernel_eval import evaluate

    cand = Candidate(task_id=task.id, files={"candidate.py": source}, backend=backend)
    return evaluate(task, cand, time=False)


@pytest.mark.parametrize("task_id", ["hpc_spmv_csr", "cuda2cpp_row_scan"])
def test_cpp_solution_passes_the_harness(task_id: str):
    require_tool("g++")
    require_module("torch")
    task = _task(task_id)
    res = _run(task, "cpp", task.hidden.files["solutions/cpp.py"].decode())
    assert (res.verdict, res.failure_class) == ("pass", "pass"), res.message


def test_the_cuda_starting_point_is_not_a_cpp_answer():
    require_tool("g++")
    require_module("torch")
    task = _task("cuda2cpp_glu")
    res = _run(task, "cpp", task.public.starter_files["cuda_kernel.py"])
    assert res.verdict == "fail" and res.failure_class in ("cheat", "compile"), res.message
