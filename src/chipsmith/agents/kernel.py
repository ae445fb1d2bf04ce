"""The kernel agent (``--agent kernel``): PyTorch reference -> a kernel for the chosen backend
(cpp, triton, cuda) -> the harness's check -> feedback -> a better kernel.

``KernelAgent.solve(public_view, ctx)`` opens the model (or takes the caller's handle: the
orchestrator's ``design_kernel`` shares its session's ledger and budget), builds its own check
(``kernel_check``: the public reference at derived shapes, through the full harness), renders the
prompts (the backend's file contract; one example solution of ANOTHER task of the same category,
``kernel_examples``; this machine's roofline peaks) and runs the search the options name
(``kernel_search``: single, repair or evolve). The search state (every answer and its verdict,
the populations, the lineage, the spending) lives in ``<workdir>/kernel_search.json``; an evolve
run resumes from it. It submits the best kernel: the fastest correct one, else the nearest miss,
never one flagged by an anti-cheat check, with one snapshot per answer in ``meta["iterations"]``
(judged afterwards by the bench's hidden check) and its usage in ``meta["agent"]``.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, ClassVar, Literal

from chipsmith.agents.base import ModelOptions, RunContext
from chipsmith.benchmarks.task import Candidate, PublicView
from chipsmith.registry import AGENTS

STATE_FILE = "kernel_search.json"
DEFAULT_CANDIDATES = {"single": 1, "repair": 4, "evolve": 8}
Search = Literal["single", "repair", "evolve"]


class KernelOptions(ModelOptions):
    """The agent's options (``-O KEY=VALUE`` in bench runs; ``--search`` too; budgets have flags).
    Its ``budget`` spans the resumes of an evolve run."""

    backend: str | None = None
    """Default: the run's ``--backend``, else cpp."""
    search: Search = "repair"
    max_candidates: int | None = None
    """Checked answers per solve; default single 1, repair 4, evolve 8."""
    patience: int = 3
    """Stop once a correct kernel has had this many answers without a faster one."""
    sample_temperature: float = 0.8
    """Independent requests (single samples, evolve children) use this temperature and their own seed."""
    time_shapes: Literal["all", "first"] = "all"
    """Time a correct kernel at every checked shape (one more harness run each) or the first only."""
    examples: int | None = None
    history_iterations: int = 2
    section_chars: int | None = None
    seeds: int = 2
    """evolve: first answers to the task prompt before any mutation."""
    islands: int = 2
    island_size: int = 4
    crossover_rate: float = 0.3
    migrate_every: int = 4
    resume: bool = True
    """evolve: continue the saved search of this work dir."""

    def candidates(self) -> int:
        return self.max_candidates or DEFAULT_CANDIDATES[self.search]


def sizing(opts: KernelOptions, small_context: bool) -> dict[str, int]:
    """Pure: prompt sizes; a small-context model (``local``: 4k tokens) gets one short example."""
    return {
        "examples": opts.examples if opts.examples is not None else 1,
        "example_chars": 2600 if small_context else 7000,
        "section_chars": opts.section_chars or (1200 if small_context else 3000),
    }


def remaining_budget(budget: dict[str, Any] | None, spent: Any) -> dict[str, Any] | None:
    """Pure: what is left of a per-solve budget after what earlier runs of the solve spent."""
    if not budget:
        return None
    used = {"max_model_calls": spent.model_calls, "max_tokens": spent.input_tokens + spent.output_tokens,
            "max_usd": spent.cost_usd or 0.0, "max_wall_s": spent.wall_s}  # fmt: skip
    out = dict(budget)
    for key, value in used.items():
        if out.get(key) is not None:
            left = float(out[key]) - value
            out[key] = max(0, int(left)) if key in ("max_model_calls", "max_tokens") else max(0.0, left)
    return out


def machine_line(backend: str) -> tuple[str, dict[str, Any] | None]:
    """The prompt's line about this machine's roofline (measured once), and the peaks; ("", None)
    when the backend's times mean nothing here (the Triton interpreter, CUDA without a GPU)."""
    from chipsmith.tools.kernels.backends import get_backend
    from chipsmith.tools.kernels.roofline import RooflineError, machine_peaks

    b = get_backend(backend)
    if not b.timing_meaningful() or b.can_run() is not None:
        return "", None
    try:
        p = machine_peaks("cuda" if b.device() == "cuda" else "cpu")
    except (RooflineError, OSError):
        return "", None
    line = (
        f"{p.machine.model}, {p.machine.cores} cores: memory bandwidth {p.bandwidth_gbs:.1f} GB/s (STREAM "
        f"triad), float32 GEMM {p.gflops:.1f} GFLOP/s; below {p.ridge:.2f} FLOP/byte a kernel is memory-bound."
    )
    return line, {"bandwidth_gbs": p.bandwidth_gbs, "gflops": p.gflops}


@AGENTS.register("kernel")
class KernelAgent:
    """PyTorch reference -> kernel -> harness -> feedback -> a better kernel (single/repair/evolve)."""

    name = "kernel"
    uses_model: ClassVar[bool] = True

    def __init__(self, **options: Any) -> None:
        self.opts = KernelOptions.model_validate(options)

    def solve(self, task: PublicView, ctx: RunContext, handle: Any = None, observer: Any = None) -> Candidate:
        """``handle``: a model handle to share (its ledger and budget); ``observer``: AgentEvents."""
        if task.kind != "kernel":
            raise ValueError(f"the kernel agent solves kernel tasks; {task.task_id} is a {task.kind} task")
        from chipsmith.agents.kernel_solve import run_solve

        workdir = Path(ctx.workdir) if ctx.workdir else Path(tempfile.mkdtemp(prefix="chipsmith-kernel-"))
        return run_solve(self.opts, task, ctx, workdir, handle, observer)
