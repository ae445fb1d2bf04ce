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
from chipsmith.benchmarks.kernel_work import check_declaration, module_constants, work
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
        "stencil",
        "sparse",
        "solver",
        "cuda2cpp",
    ]
)
SOLUTION_FILES = {"triton": "triton.py", "cpp": "cpp.py", "cuda": "cuda.py"}
PUBLIC_DIR = "public"
"""A task's files an agent may see (e.g. the working CUDA version a cuda2cpp task translates)."""


def load_task_dir(path: Path, suite: str = "chipsmith-kernels") -> Task:
    """One task directory -> Task; ``SuiteError`` naming the file and the problem when malformed."""
    try:
        meta = tomllib.loads(read_text(path / "task.toml"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SuiteError(f"{path / 'task.toml'}: {exc}".splitlines()[0]) from exc
    for key in ("id", "description", "shapes"):
        if key not in meta:
            raise SuiteError(f"{path / 'task.toml'}: missing {key!r}")
    for key in ("shapes", "gpu_shapes"):
        value = meta.get(key, [{}])  # gpu_shapes is optional
        if not isinstance(value, list) or not value or not all(isinstance(s, dict) for s in value):
            raise SuiteError(f"{path / 'task.toml'}: {key} must be a non-empty list of tables")
    if not (path / "reference.py").is_file():
        raise SuiteError(f"{path}: missing reference.py")
    reference = read_text(path / "reference.py")
    settings = {
        "shapes": meta["shapes"],
        "dtype": str(meta.get("dtype", "float32")),
        "atol": meta.get("atol"),
        "rtol": meta.get("rtol"),
    }
    settings.update(_optional_settings(path, meta, reference))
    solutions = {
        b: read_text(path / "solutions" / f)
        for b, f in SOLUTION_FILES.items()
        if (path / "solutions" / f).is_file()
    }
    task = kernel_task(
        str(meta["id"]),
        suite,
        reference,
        str(meta["description"]),
        settings,
        category=str(meta.get("category", "misc")),
        difficulty=str(meta.get("difficulty", "medium")),
        solutions=solutions,
    )
    return with_starter_files(task, _public_files(path))


def _optional_settings(path: Path, meta: dict[str, Any], reference: str) -> dict[str, Any]:
    """``gpu_shapes`` (larger sizes for a GPU run), ``work`` (the FLOP/byte formulas, checked at
    every shape) and ``pattern`` (a cuda2cpp task's parallel pattern), where the task declares them."""
    out: dict[str, Any] = {}
    if meta.get("gpu_shapes"):
        out["gpu_shapes"] = meta["gpu_shapes"]
    if "flops" in meta or "bytes" in meta:
        formulas: dict[str, Any] = {k: meta[k] for k in ("flops", "bytes") if k in meta}
        every = meta["shapes"] + meta.get("gpu_shapes", [])
        why = check_declaration(formulas, module_constants(reference), every)
        if why:
            raise SuiteError(f"{path / 'task.toml'}: {why}")
        out["work"] = formulas
    if "pattern" in meta:
        out["pattern"] = str(meta["pattern"])
    return out


def _public_files(path: Path) -> dict[str, str]:
    folder = path / PUBLIC_DIR
    if not folder.is_dir():
        return {}
    return {f.name: read_text(f) for f in sorted(folder.iterdir()) if f.is_file()}


def with_starter_files(task: Task, files: dict[str, str]) -> Task:
    """``task`` with ``files`` in its public view: as starter files, and quoted in the spec for an
    agent that reads only the spec."""
    if not files:
        return task
    quoted = "\n\n".join(f"`{name}`:\n\n```\n{text.rstrip()}\n```" for name, text in files.items())
    spec = f"{task.public.spec}\n\nStarting point (also in your workspace):\n\n{quoted}"
    public = task.public.model_copy(update={"starter_files": dict(files), "spec": spec})
    return task.model_copy(update={"public": public})


def task_work(task: Task, shape_index: int = 0, *, gpu: bool = False) -> tuple[int, int]:
    """(FLOPs, bytes moved) of ``task`` at one of its shapes (``gpu``: its GPU shapes), from the
    formulas in its task.toml; ``SuiteError`` when it declares none or has no such shape."""
    s = task.hidden.settings
    formulas = s.get("work")
    if not formulas:
        raise SuiteError(f"task {task.id} declares no flops/bytes in its task.toml")
    shapes = s.get("gpu_shapes" if gpu else "shapes") or []
    if not 0 <= shape_index < len(shapes):
        kind = "GPU shapes" if gpu else "shapes"
        raise SuiteError(f"task {task.id} has {len(shapes)} {kind}; no index {shape_index}")
    constants = module_constants(task.hidden.files["reference.py"].decode())
    return work(formulas, {**constants, **shapes[shape_index]})


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
