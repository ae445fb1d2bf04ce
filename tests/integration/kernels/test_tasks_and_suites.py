"""Task validation (degenerate tasks rejected), the KernelBench adapter, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chipsmith.benchmarks.kernel_eval import evaluate
from chipsmith.benchmarks.kernel_suites import load_dir, load_task_dir, validate_tasks
from chipsmith.benchmarks.kernel_tasks import reference_candidate
from chipsmith.benchmarks.task import Task
from helpers import require_module, require_tool, shared_external

pytestmark = pytest.mark.integration

DATA = Path(__file__).resolve().parents[2] / "data" / "kernels"
SUITE = Path(__file__).resolve().parents[3] / "src/chipsmith/benchmarks/suites/chipsmith_kernels"
EXTERNAL = shared_external() / "kernelbench-format"


BUDGET = 300_000  # a small KernelBench element budget keeps these checks quick


@pytest.fixture(autouse=True)
def _torch(monkeypatch: pytest.MonkeyPatch) -> None:
    require_module("torch")
    monkeypatch.setenv("CHIPSMITH_KB_MAX_ELEMENTS", str(BUDGET))


def test_degenerate_tasks_are_rejected_and_good_ones_accepted(kernel_tasks: dict[str, Task]) -> None:
    bad = load_dir(DATA / "degenerate", "chipsmith-kernels")
    reasons = validate_tasks(bad + [kernel_tasks["t-softmax"]])
    assert any("constant" in r or "~0" in r for r in reasons["d-constant"]), reasons
    assert any("input 1" in r for r in reasons["d-ignores-input"]), reasons
    assert reasons["t-softmax"] == []


def test_degenerate_task_is_unusable_at_evaluation() -> None:
    task = load_task_dir(DATA / "degenerate" / "01_constant")
    res = evaluate(task, reference_candidate(task), time=False)
    assert (res.verdict, res.failure_class) == ("unusable", "unusable") and "degenerate" in res.message


def test_a_candidate_with_no_file_is_empty_not_a_compile_error() -> None:
    from chipsmith.benchmarks.task import Candidate

    task = load_task_dir(SUITE / "03_relu")
    res = evaluate(task, Candidate(task_id=task.id, files={}, backend="cpp"), time=False)
    assert (res.verdict, res.failure_class, res.message) == ("fail", "empty", "the candidate has no source")


@pytest.mark.skipif(
    not SUITE.is_dir() or not any(SUITE.glob("*/task.toml")), reason="built-in suite not present"
)
def test_whole_builtin_suite_validates() -> None:
    tasks = load_dir(SUITE, "chipsmith-kernels")
    bad = {k: v for k, v in validate_tasks(tasks).items() if v}
    assert bad == {}


def test_kernelbench_fixtures_scale_and_mark_unusable() -> None:
    from chipsmith.benchmarks.suites_api import load_suite

    tasks = {t.id: t for t in load_suite(f"kernelbench:{DATA / 'kernelbench'}")}
    huge = tasks["01_huge_gelu"].hidden.settings
    n = huge["shapes"][0]["batch_size"] * huge["shapes"][0]["dim"]
    assert n <= BUDGET and huge["scale"] < 1 and huge["original"] == {"batch_size": 8192, "dim": 262144}
    assert len(huge["shapes"]) == 3
    assert tasks["02_scale_rows"].hidden.settings["scale"] == 1.0
    assert "dataset file missing" in tasks["03_broken_inputs"].hidden.settings["unusable"]
    res = evaluate(tasks["03_broken_inputs"], reference_candidate(tasks["03_broken_inputs"]))
    assert res.verdict == "unusable"
    ok = evaluate(tasks["02_scale_rows"], reference_candidate(tasks["02_scale_rows"]), time=False)
    assert ok.verdict == "pass", ok.message
    assert ok.metrics["shapes"] == tasks["02_scale_rows"].hidden.settings["shapes"]


def test_external_big_relu_loads_only_scaled_and_reference_passes() -> None:
    from chipsmith.benchmarks.suites_api import load_suite

    task = {t.id: t for t in load_suite(f"kernelbench:{EXTERNAL}")}["05_big_relu"]
    first = task.hidden.settings["shapes"][0]
    assert first["batch_size"] * first["dim"] <= BUDGET < 4096 * 393216
    res = evaluate(task, reference_candidate(task), time=False)
    assert res.verdict == "pass", res.message


def test_cli_check_and_list_backends() -> None:
    require_tool("g++")
    from chipsmith.cli import app

    runner = CliRunner()
    listed = runner.invoke(app, ["kernel", "list-backends", "--json"])
    assert listed.exit_code == 0 and {r["name"] for r in json.loads(listed.stdout)} >= {
        "cpp",
        "triton",
        "cuda",
        "torch",
    }
    suite = f"chipsmith-kernels:{DATA / 'tasks'}"
    good = runner.invoke(
        app,
        [
            "kernel",
            "check",
            str(DATA / "tasks/01_relu/solutions/cpp.py"),
            "--task",
            "t-relu",
            "--suite",
            suite,
            "--backend",
            "cpp",
            "--json",
        ],
    )
    assert good.exit_code == 0, good.output
    assert json.loads(good.stdout)["verdict"] == "pass"
    bad = runner.invoke(
        app,
        [
            "kernel",
            "check",
            str(DATA / "exploits/patched_timer.py"),
            "--task",
            "t-relu",
            "--suite",
            suite,
            "--backend",
            "cpp",
        ],
    )
    assert bad.exit_code == 1 and "cheat" in bad.stdout
    assert "caught by: static source check" in bad.stdout
    sneaky = runner.invoke(
        app,
        ["kernel", "check", str(DATA / "exploits/guard_off_getattr.py"), "--task", "t-relu"]
        + ["--suite", suite, "--backend", "cpp"],
    )
    assert sneaky.exit_code == 1 and "caught by: ablation run" in sneaky.stdout, sneaky.stdout
    assert "<ablation>" in sneaky.stdout
    missing = runner.invoke(
        app, ["kernel", "check", "nope.py", "--task", "t-relu", "--suite", suite, "--backend", "cpp"]
    )
    assert missing.exit_code == 2 and "Traceback" not in missing.output


def test_cuda_is_compile_checked_without_a_gpu(
    kernel_tasks: dict[str, Task], monkeypatch: pytest.MonkeyPatch
) -> None:
    require_tool("nvcc")
    monkeypatch.setenv("CHIPSMITH_KERNEL_DEVICE", "cpu")
    src = (DATA / "cuda" / "relu.py").read_text()
    task = kernel_tasks["t-relu"]
    from chipsmith.benchmarks.task import Candidate

    res = evaluate(task, Candidate(task_id=task.id, files={"candidate.py": src}, backend="cuda"))
    assert (res.verdict, res.failure_class) == ("unusable", "unusable") and "compile-checked" in res.message
    assert res.metrics["ptxas"][0]["registers"] > 0
    broken = src.replace("__global__ void", "__global__ void oops(")
    bad = evaluate(task, Candidate(task_id=task.id, files={"candidate.py": broken}, backend="cuda"))
    assert bad.failure_class == "compile"
