"""KernelBench adapter: problem files as published (``Model``, ``get_inputs``, ``get_init_inputs``,
module-level size constants), scaled to fit this machine and given extra shapes.

Published problems are sized for large GPUs (05_big_relu-style files hold billions of elements).
Every module-level integer constant >= 8 is treated as a size and scaled by the same power of two
until the inputs hold at most ``max_elements`` (default 4M; ``CHIPSMITH_KB_MAX_ELEMENTS``); smaller
integers (axis indices, kernel sizes) are kept, so semantics stay. Two more shapes are added, half
size and an odd size. Input sizes are measured by running ``get_inputs`` on torch's meta device in
a sandboxed process (no memory, no real compute). A problem that cannot fit, or whose inputs cannot
be built, becomes a task marked unusable with the reason. Loading never runs problem code here.
"""

from __future__ import annotations

import ast
import json
import os
from pathlib import Path
from typing import Any

from chipsmith.benchmarks.adapters._common import SuiteError, read_text, suite_dir
from chipsmith.benchmarks.kernel_tasks import kernel_task
from chipsmith.benchmarks.task import Task
from chipsmith.tools.kernels.sizes import scale

__all__ = ["load_suite", "scale", "size_constants", "variants"]

SUITE = "kernelbench"
DEFAULT_MAX_ELEMENTS = 4_000_000
MIN_SIZE = 8


def max_elements() -> int:
    try:
        return int(os.environ.get("CHIPSMITH_KB_MAX_ELEMENTS", DEFAULT_MAX_ELEMENTS))
    except ValueError:
        return DEFAULT_MAX_ELEMENTS


def size_constants(src: str) -> dict[str, int]:
    """Pure: module-level ``NAME = <int>`` assignments that look like sizes (>= 8)."""
    try:
        tree = ast.parse(src)
    except SyntaxError as exc:
        raise SuiteError(f"syntax error line {exc.lineno}: {exc.msg}") from exc
    out: dict[str, int] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            v = node.value
            if isinstance(v, ast.Constant) and type(v.value) is int and v.value >= MIN_SIZE:
                out[node.targets[0].id] = v.value
    return out


def variants(fit: dict[str, int]) -> list[dict[str, int]]:
    """Pure: the fitted shape (timing shape), half of it, and an odd size near half."""

    def odd(v: int) -> int:
        h = max(1, v // 2)
        return h if h % 2 else h + 1

    half = {k: max(1, v // 2) for k, v in fit.items()}
    shapes = [fit, half, {k: odd(v) for k, v in fit.items()}]
    unique: list[dict[str, int]] = []
    for s in shapes:
        if s not in unique:
            unique.append(s)
    return unique


def problem_files(root: Path) -> list[Path]:
    return sorted(p for p in root.glob("*.py") if not p.name.startswith("_"))


def task_id(path: Path) -> str:
    return path.stem.lower().replace(" ", "_")


def load_suite(arg: str | None, sandbox: Any = None) -> list[Task]:
    """Every problem file under ``arg`` -> a kernel Task with scaled shapes (or marked unusable)."""
    root = suite_dir(arg, SUITE)
    files = problem_files(root)
    if not files:
        raise SuiteError(f"{SUITE}: no problem files (*.py) in {root}")
    sources = {task_id(p): read_text(p) for p in files}
    budget = max_elements()
    consts = {}
    for tid, src in sources.items():
        try:
            consts[tid] = size_constants(src)
        except SuiteError as exc:
            consts[tid] = {"__error__": str(exc)}  # type: ignore[dict-item]
    fitted = probe(sources, consts, budget, sandbox)
    tasks = []
    for tid, src in sources.items():
        info = fitted.get(tid, {"error": "not probed"})
        doc = _docstring(src) or f"KernelBench problem {tid}"
        settings: dict[str, Any] = {"dtype": info.get("dtype", "float32"), "atol": None, "rtol": None}
        if info.get("error"):
            settings.update(shapes=[{}], unusable=f"cannot run here: {info['error']}")
        else:
            settings.update(shapes=variants(info["fit"]), scale=info["factor"], original=consts[tid])
        tasks.append(kernel_task(tid, SUITE, src, doc, settings, category="kernelbench"))
    return tasks


def _docstring(src: str) -> str:
    try:
        tree = ast.parse(src)
    except SyntaxError:
        return ""
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "Model":
            return ast.get_docstring(node) or ""
    return ""


def probe(
    sources: dict[str, str], consts: dict[str, dict[str, int]], budget: int, sandbox: Any = None
) -> dict[str, Any]:
    """Run the meta-device probe for all problems in one sandboxed process."""
    from chipsmith.sandbox import get_sandbox
    from chipsmith.sandbox.base import Limits
    from chipsmith.tools.kernels.harness import worker_command

    files: dict[str, bytes] = {}
    entries = []
    for i, (tid, src) in enumerate(sources.items()):
        files[f"p_{i}.py"] = src.encode()
        entries.append({"id": tid, "file": f"p_{i}.py", "consts": consts[tid]})
    files["job.json"] = json.dumps({"role": "probe", "budget": budget, "problems": entries}).encode()
    box = sandbox or get_sandbox()
    res = box.run(
        worker_command("chipsmith.tools.kernels._probe", {}),
        files,
        timeout_s=300,
        limits=Limits(cpu_s=600, memory_mb=8192, procs=None),
        want=["probe.json"],
    )
    try:
        return json.loads(res.files["probe.json"])  # type: ignore[no-any-return]
    except (KeyError, ValueError):
        why = (res.stderr.strip().splitlines() or ["no output"])[-1]
        return {tid: {"error": f"probe failed: {why}"} for tid in sources}
