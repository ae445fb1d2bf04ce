"""Kernel suites: the built-in ``chipsmith-kernels`` and ``kernelbench:PATH`` (published layout).

A chipsmith kernel task is a directory with ``task.toml``, ``reference.py`` and ``solutions/``
(see docs/kernels.md); ``load_task_dir`` turns one into a ``Task``. Loading never runs code;
``validate_task`` (which runs the reference in a sandbox) says why a task is unusable.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from chipsmith.benchmarks.adapters._common import SuiteError, read_text
from chipsmith.benchmarks.kernel_tasks import kernel_task
from chipsmith.benchmarks.task import Task
from chipsmith.registry import SUITES

BUILTIN_DIR = Path(__file__).parent / "suites" / "chipsmith_kernels"
CATEGORIES = frozenset(
    [
        "elementwise",
        "activation",
        "reduction",
        "normalization",
        "gemm",
        "convolution",
        "attention",
        "fused",
        "quantization",
        "scan",
    ]
)
SOLUTION_FILES = {"triton": "triton.py", "cpp": "cpp.py", "cuda": "cuda.py"}


def load_task_dir(path: Path, suite: str = "chipsmith-kernels") -> Task:
    """One task directory -> Task; ``SuiteError`` naming the file and the problem when malformed."""
    try:
        meta = tomllib.loads(read_text(path / "task.toml"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SuiteError(f"{path / 'task.toml'}: {exc}".splitlines()[0]) from exc
    for key in ("id", "description", "shapes"):
        if key not in meta:
            raise SuiteError(f"{path / 'task.toml'}: missing {key!r}")
    shapes = meta["shapes"]
    if not isinstance(shapes, list) or not shapes or not all(isinstance(s, dict) for s in shapes):
        raise SuiteError(f"{path / 'task.toml'}: shapes must be a non-empty list of tables")
    if not (path / "reference.py").is_file():
        raise SuiteError(f"{path}: missing reference.py")
    settings = {
        "shapes": shapes,
        "dtype": str(meta.get("dtype", "float32")),
        "atol": meta.get("atol"),
        "rtol": meta.get("rtol"),
    }
    solutions = {
        b: read_text(path / "solutions" / f)
        for b, f in SOLUTION_FILES.items()
        if (path / "solutions" / f).is_file()
    }
    return kernel_task(
        str(meta["id"]),
        suite,
        read_text(path / "reference.py"),
        str(meta["description"]),
        settings,
        category=str(meta.get("category", "misc")),
        difficulty=str(meta.get("difficulty", "medium")),
        solutions=solutions,
    )


def load_dir(root: Path, suite: str) -> list[Task]:
    """Every task directory under ``root`` (sorted), skipping non-task entries."""
    return [load_task_dir(d, suite) for d in sorted(root.iterdir()) if (d / "task.toml").is_file()]


@SUITES.register("chipsmith-kernels")
def load_chipsmith_kernels(arg: str | None = None) -> list[Task]:
    """The built-in kernel suite (or the same layout at ``arg``)."""
    root = Path(arg).expanduser() if arg else BUILTIN_DIR
    if not root.is_dir():
        raise SuiteError(f"chipsmith-kernels: {root} is not a directory")
    return load_dir(root, "chipsmith-kernels")


@SUITES.register("kernelbench")
def load_kernelbench(arg: str | None = None) -> list[Task]:
    """KernelBench problem files at ``arg`` (scaled to this machine's budget; see the adapter)."""
    from chipsmith.benchmarks.adapters.kernelbench import load_suite

    return load_suite(arg)


def validate_task(task: Task, sandbox: Any = None) -> list[str]:
    """Why ``task`` is unusable (empty list: usable): bad metadata, or a degenerate reference."""
    return validate_tasks([task], sandbox)[task.id]


def validate_tasks(tasks: list[Task], sandbox: Any = None) -> dict[str, list[str]]:
    """``validate_task`` for many tasks in one sandboxed process (torch starts once)."""
    from chipsmith.sandbox import get_sandbox
    from chipsmith.tools.kernels.harness import validate_references

    out: dict[str, list[str]] = {}
    runnable = []
    for t in tasks:
        reasons = metadata_problems(t)
        out[t.id] = reasons
        if not reasons:
            runnable.append((t.id, t.hidden.files["reference.py"].decode(), t.hidden.settings["shapes"]))
    if runnable:
        for tid, reasons in validate_references(sandbox or get_sandbox(), runnable).items():
            out[tid] = reasons
    return out


def metadata_problems(task: Task) -> list[str]:
    """Pure: contract violations visible without running anything."""
    s = task.hidden.settings
    problems = []
    if task.kind != "kernel":
        problems.append(f"not a kernel task ({task.kind})")
    if "reference.py" not in task.hidden.files:
        problems.append("no reference.py")
    if not s.get("shapes"):
        problems.append("no shapes")
    if task.suite == "chipsmith-kernels" and task.category not in CATEGORIES:
        problems.append(f"unknown category {task.category!r}")
    if s.get("unusable"):
        problems.append(str(s["unusable"]))
    return problems
