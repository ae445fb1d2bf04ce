"""What every kernel backend shares: compile, check, time, detect cheating, clean up.

A new platform is one subclass registered with ``@KERNEL_BACKENDS.register(name)`` that says how
to build its source (``compile``), what environment its worker needs, which device it runs on and
which structure an honest file of it has; checking and timing go through the same harness.
"""

from __future__ import annotations

import ast
import os
from typing import Any

from pydantic import BaseModel, Field

from chipsmith.sandbox.base import Sandbox
from chipsmith.tools.kernels.anticheat import ALL_CHECKS, Finding, run_checks
from chipsmith.tools.kernels.harness import CheckReport, CheckSpec, WorkerSetup, run_check


class CompileResult(BaseModel):
    """A build (or syntax) check of a kernel file."""

    ok: bool
    message: str = ""
    seconds: float = 0.0
    report: dict[str, Any] = Field(default_factory=dict)
    """Backend extras, e.g. ptxas registers / shared memory / spills for CUDA."""
    findings: list[Finding] = Field(default_factory=list)
    """Evidence found in what was built (e.g. a library importing what a kernel must not call)."""


def gpu_present() -> bool:
    """An NVIDIA device node is present (no torch import); CHIPSMITH_KERNEL_DEVICE=cpu|cuda overrides."""
    forced = os.environ.get("CHIPSMITH_KERNEL_DEVICE")
    if forced in ("cpu", "cuda"):
        return forced == "cuda"
    return os.path.exists("/dev/nvidiactl") or os.path.exists("/dev/nvidia0")


def string_constant(src: str, name: str) -> str | None:
    """Pure: the literal string assigned to module-level ``name`` (None if absent or not literal)."""
    try:
        tree = ast.parse(src)
    except SyntaxError:
        return None
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            return node.value.value
    return None


class KernelBackend:
    """Base class; subclasses set ``name`` and override the hooks that differ."""

    name = "base"
    static_checks: tuple[str, ...] = ALL_CHECKS
    guard = True
    """Run forward under the dispatch guard (torch compute flagged, allocations fenced)."""

    def device(self) -> str:
        return "cpu"

    def can_run(self) -> str | None:
        """Why this machine cannot execute this backend's kernels (None: it can)."""
        return None

    def timing_meaningful(self) -> bool:
        return True

    def worker_env(self) -> dict[str, str]:
        n = str(os.cpu_count() or 1)
        # Passive: idle OpenMP threads sleep instead of spinning, so CPU between calls means work.
        return {"OMP_NUM_THREADS": n, "OMP_WAIT_POLICY": "PASSIVE"}

    def libraries(self, src: str) -> list[tuple[str, bytes]]:
        """(digest, bytes) of the compiled libraries the worker may load (after ``compile``)."""
        return []

    def worker_setup(self, src: str) -> WorkerSetup:
        """How the supervisor starts this backend's worker; compiled libraries get an ablated twin."""
        from chipsmith.tools.kernels.elfcheck import ablated

        libs: list[tuple[str, bytes, bytes | None]] = [(d, b, ablated(b)) for d, b in self.libraries(src)]
        return WorkerSetup(
            device=self.device(), guard=self.guard, env=self.worker_env(), libs=libs, ablation=bool(libs)
        )

    def structure(self, tree: ast.Module, src: str) -> list[Finding]:
        """Findings when the file lacks what an honest file of this backend has (a kernel)."""
        return []

    def detect_cheating(self, src: str) -> list[Finding]:
        """Static findings: the shared check table plus this backend's structure check."""
        findings = run_checks(src, self.static_checks)
        if any(f.check == "syntax" for f in findings):
            return findings
        return findings + self.structure(ast.parse(src), src)

    def compile(self, src: str) -> CompileResult:
        """Default: a Python syntax check."""
        try:
            compile(src, "candidate.py", "exec")
        except SyntaxError as exc:
            return CompileResult(ok=False, message=f"syntax error line {exc.lineno}: {exc.msg}")
        return CompileResult(ok=True)

    def check(self, spec: CheckSpec, src: str, sandbox: Sandbox) -> CheckReport:
        """Correctness (and timing when ``spec.time``) of ``src`` in two sandboxed workers."""
        from chipsmith.tools.kernels.verdicts import judge

        res, job, key = run_check(sandbox, spec, src, self.worker_setup(src))
        return judge(res, job, key, spec, self.timing_meaningful())

    def time(self, spec: CheckSpec, src: str, sandbox: Sandbox) -> CheckReport:
        return self.check(spec.model_copy(update={"time": True}), src, sandbox)

    def cleanup(self) -> None:
        """Drop per-check state (build caches are shared and content-addressed, so kept)."""
