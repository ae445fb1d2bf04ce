"""Run a testbench against designs: the simulations the verification agent and its evaluator need.

A ``TbFiles`` is files (what the agent writes, what a bench candidate carries). To reuse the
benchmark's own simulation and mutation code unchanged, a testbench plus a design is turned into
a synthetic ``Task`` (``as_task``): its hidden view holds the testbench and, as the "reference",
the design under test; ``rtl_eval.sim_inputs`` and ``mutate.run_mutant`` then simulate exactly as
``bench run`` and ``bench mutate`` do (the design renamed ``cand0.v``, data files beside it).
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, Field

from chipsmith.agents.verify_tb import TB_FILE, TB_TOP
from chipsmith.benchmarks.task import HiddenView, PublicView, Task
from chipsmith.tools.simulate import SimResult

DESIGN_NAME = "_design.v"
"""The design's name in a synthetic task (the simulation renames it ``cand0.v``)."""
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")
_RESERVED = re.compile(r"cand\d+\.s?v", re.I)
_WATCHDOG_LINE = re.compile(r"^\s*TIMEOUT\b", re.M)


class TbFiles(BaseModel):
    """A self-checking testbench: compiled files, data files beside them, its top module."""

    sources: dict[str, str]
    tb_top: str = TB_TOP
    data: dict[str, str] = Field(default_factory=dict)
    """Files the testbench reads at run time ($readmemh); placed beside it, not compiled."""

    @classmethod
    def single(cls, code: str, tb_top: str = TB_TOP) -> TbFiles:
        return cls(sources={TB_FILE: code}, tb_top=tb_top)


def name_problems(tb: TbFiles) -> list[str]:
    """Pure: file names a testbench may not use (paths, hidden names, the design's own name)."""
    bad = [n for n in [*tb.sources, *tb.data] if not _SAFE_NAME.fullmatch(n) or _RESERVED.fullmatch(n)]
    return [f"testbench file name not allowed: {n!r} (plain names only, not cand<N>.v)" for n in bad]


def as_task(tb: TbFiles, design: str, *, key: str, top: str | None, timeout_s: float) -> Task:
    """Pure: a synthetic task whose testbench is ``tb`` and whose reference is ``design``."""
    files = {n: s.encode() for n, s in {**tb.sources, **tb.data}.items()}
    files[DESIGN_NAME] = design.encode()
    settings: dict[str, Any] = {"compile_with": list(tb.sources), "timeout_s": timeout_s}
    if tb.data:
        settings["data_files"] = sorted(tb.data)
    return Task(
        id=key,
        suite="verify",
        kind="rtl",
        public=PublicView(task_id=key, kind="rtl", spec="", top=top),
        hidden=HiddenView(
            files=files, tb_top=tb.tb_top, reference=DESIGN_NAME, testbench=next(iter(tb.sources), None),
            settings=settings,
        ),
    )  # fmt: skip


def run_design(
    tb: TbFiles, design: str, *, sandbox: Any = None, timeout_s: float = 30, vcd: bool = False
) -> SimResult:
    """Simulate ``design`` against ``tb`` the way the RTL evaluator simulates a candidate."""
    from chipsmith.benchmarks.rtl_eval import candidate_sources, sim_inputs
    from chipsmith.tools.simulate import simulate

    task = as_task(tb, design, key="run", top=None, timeout_s=timeout_s)
    sources, data = sim_inputs(task, candidate_sources({DESIGN_NAME: design}))
    return simulate(
        sources, top=tb.tb_top, sandbox=sandbox, timeout_s=timeout_s, vcd=vcd, data_files=data or None
    )


def watchdog_fired(sim: SimResult) -> bool:
    """Pure: the testbench's own watchdog ended the run (it printed TIMEOUT), not the sandbox."""
    return bool(_WATCHDOG_LINE.search(sim.log))


def null_run_problems(sim: SimResult, timeout_s: float) -> list[str]:
    """Pure: what the run against a design that drives nothing says about the testbench.

    A sound testbench compiles with any design of the right ports, finishes, prints its verdict
    and rejects that design (its outputs are Z, so ``!==`` comparisons count them).
    """
    fc = sim.failure_class
    if fc in ("compile", "elaborate"):
        diags = [d.one_line() for d in sim.diagnostics if d.severity == "error"][:5]
        return [f"the testbench does not compile: {sim.message}", *diags]
    if fc == "timeout" and not watchdog_fired(sim):
        return [
            f"the testbench did not finish within {timeout_s:g} s: bound every loop and wait, and add a "
            'watchdog (initial begin #<limit>; $display("TIMEOUT"); $finish; end)'
        ]
    if fc == "runtime":
        return [f"the testbench ran but gave no verdict: {sim.message}"]
    if fc == "pass":
        if not sim.samples:
            return [
                "the testbench checked no samples (Mismatches: 0 in 0): count every comparison in samples"
            ]
        return [
            "the testbench passes a design that drives no output (all outputs Z): compare every output "
            "with !== against the model's value, so X and Z count as mismatches"
        ]
    return []


def null_problems(tb: TbFiles, interface: str, *, sandbox: Any = None, timeout_s: float = 30) -> list[str]:
    """Run ``tb`` against the bare interface (``rtl_null``) and say what is wrong with it, if anything."""
    from chipsmith.benchmarks.controls import rtl_null

    stub = rtl_null(PublicView(task_id="null", kind="rtl", spec="", interface=interface))
    sim = run_design(tb, next(iter(stub.files.values())), sandbox=sandbox, timeout_s=timeout_s)
    return null_run_problems(sim, timeout_s)


def failing_case(
    tb: TbFiles, design: str, *, top: str | None, sandbox: Any = None, timeout_s: float = 30
) -> str:
    """The waveform tracer's report on a failing run of ``design`` (first mismatch, window,
    suspects), as bounded text."""
    from chipsmith.benchmarks.rtl_eval import candidate_sources
    from chipsmith.tools.trace.render import render
    from chipsmith.tools.trace.tool import trace_mismatch

    sources = {n: s.encode() for n, s in tb.sources.items()} | candidate_sources({DESIGN_NAME: design})
    data = {n: s.encode() for n, s in tb.data.items()} or None
    report = trace_mismatch(
        sources, tb_top=tb.tb_top, design_top=top, data_files=data, sandbox=sandbox, timeout_s=timeout_s
    )
    return render(report)
