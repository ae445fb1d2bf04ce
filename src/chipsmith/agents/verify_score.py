"""How strong is a testbench? Its mutation score on a design, computed as ``bench mutate`` does.

The design must first pass the testbench. Then ``bench mutate``'s generator and deterministic
sample (``mutate.mutants_for``, keyed like the task) give mutants of that design, each simulated
with ``mutate.run_mutant``: killed, survived or stillborn. Survivors go to the equivalence checker;
a proven one is ``equivalent`` and does not count. Score = killed / (killed + survived).

Equivalence does not depend on the testbench, only on the design and the mutant, so its answers
are cached by content (``<cache>/mutant-equiv``): scoring many testbenches of one task proves each
mutant once. The time limit is part of the key and a proof cut short by it is cached as
``unknown`` too (the mutant then counts as survived, as it does in ``bench mutate``): an unprovable
multiplier mutant costs its full limit (60 s in the evaluator) once, not once per testbench.
"""

from __future__ import annotations

import difflib
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from chipsmith.agents.verify_equiv import EquivVerdictStatus as EquivStatus
from chipsmith.agents.verify_run import TbFiles, as_task, run_design
from chipsmith.benchmarks._cache import JsonCache, content_key
from chipsmith.benchmarks._mutants import Mutant
from chipsmith.benchmarks.mutate import EQUIV_DEPTH, MutantOutcome, TaskMutation
from chipsmith.benchmarks.task import Task

EQUIV_CACHE_VERSION = 1
MAX_DIFF_LINES = 12


class Survivor(BaseModel):
    """A mutant the testbench let through, with the change that made it."""

    id: str
    kind: str
    line: int
    description: str
    diff: str
    """Unified diff of the design against the mutant (a line of context)."""


class MutationScore(BaseModel):
    """A testbench's mutation score on one design, or why there is none."""

    subject: str
    """What was mutated: ``candidate`` (a design under test), ``model`` (the testbench's own
    behavioural model as a design) or ``reference`` (a benchmark's hidden reference)."""
    design_ok: bool
    design_class: str
    """The unmutated design's verdict under the testbench (``pass`` unless it failed)."""
    design_message: str
    mutation: TaskMutation | None = None
    survivors: list[Survivor] = Field(default_factory=list)
    wall_s: float = 0.0

    @property
    def score(self) -> float | None:
        return self.mutation.score if self.mutation is not None else None

    def counts(self) -> dict[str, Any]:
        """killed, survived, equivalent, stillborn, mutants, score (None when nothing counts)."""
        if self.mutation is None:
            return {}
        out = {k: v for k, v in self.mutation.summary().items() if k not in ("task", "reference_ok")}
        return {**out, "generated": self.mutation.generated}


def mutant_diff(design: str, mutant: str, max_lines: int = MAX_DIFF_LINES) -> str:
    """Pure: the unified diff of a mutant against its design, bounded."""
    lines = difflib.unified_diff(
        design.splitlines(), mutant.splitlines(), "design.v", "mutant.v", n=1, lineterm=""
    )
    out = list(lines)[2:]  # drop the file headers: the hunk says what changed
    return "\n".join(out[:max_lines] + (["..."] if len(out) > max_lines else []))


def equivalence_status(
    design: str, mutant: Mutant, *, top: str | None, sandbox: Any, timeout_s: float, cache_dir: Path | None
) -> tuple[EquivStatus, str]:
    """Is ``mutant`` equivalent to ``design``? Cached by content and time limit."""
    key = content_key(EQUIV_CACHE_VERSION, "mutant-equiv", design, mutant.source, top, EQUIV_DEPTH, timeout_s)
    cache = JsonCache(cache_dir / "mutant-equiv") if cache_dir is not None else None
    if cache is not None and (hit := cache.get(key)) is not None:
        return hit["status"], hit["message"]
    status, message = _prove(design, mutant, top=top, sandbox=sandbox, timeout_s=timeout_s)
    if cache is not None:
        cache.put(key, {"status": status, "message": message})
    return status, message


def _prove(
    design: str, mutant: Mutant, *, top: str | None, sandbox: Any, timeout_s: float
) -> tuple[EquivStatus, str]:
    from chipsmith.agents.verify_equiv import prove_refactor

    v = prove_refactor(
        {"design.v": design}, {"design.v": mutant.source}, top=top, depth=EQUIV_DEPTH, sandbox=sandbox,
        timeout_s=timeout_s,
    )  # fmt: skip
    return v.status, (f"{v.method}: {v.message}" if v.method else v.message)


def _outcomes(task: Task, mutants: list[Mutant], sandbox: Any, jobs: int) -> list[MutantOutcome]:
    from chipsmith.benchmarks.mutate import run_mutant

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(lambda m: run_mutant(task, m, sandbox, equivalence=False), mutants))


def mutation_score(
    tb: TbFiles,
    design: str,
    *,
    key: str,
    top: str | None,
    subject: str,
    max_mutants: int | None = 20,
    equivalence: bool = True,
    max_equiv: int = 12,
    equiv_timeout_s: float = 30,
    jobs: int = 2,
    sandbox: Any = None,
    cache_dir: Path | None = None,
    timeout_s: float = 30,
) -> MutationScore:
    """Score ``tb`` by the mutants of ``design`` (sampled as ``bench mutate`` samples task ``key``).

    At most ``max_equiv`` survivors are sent to the equivalence checker (the rest count as
    survived): a weak testbench leaves many, and each proof may take up to ``equiv_timeout_s``.
    """
    from chipsmith.benchmarks.mutate import mutants_for

    start = time.monotonic()
    if sandbox is None:
        from chipsmith.sandbox import get_sandbox

        sandbox = get_sandbox()
    sim = run_design(tb, design, sandbox=sandbox, timeout_s=timeout_s)
    base = MutationScore(
        subject=subject, design_ok=sim.passed, design_class=sim.failure_class, design_message=sim.message
    )
    if not sim.passed:
        return base.model_copy(update={"wall_s": round(time.monotonic() - start, 2)})
    task = as_task(tb, design, key=key, top=top, timeout_s=timeout_s)
    generated, mutants = mutants_for(task, max_mutants)
    outcomes = _outcomes(task, mutants, sandbox, jobs)
    by_id = {m.id: m for m in mutants}
    if equivalence:
        for out in [o for o in outcomes if o.status == "survived"][:max_equiv]:
            status, why = equivalence_status(
                design,
                by_id[out.id],
                top=top,
                sandbox=sandbox,
                timeout_s=equiv_timeout_s,
                cache_dir=cache_dir,
            )
            out.status, out.detail = (
                ("equivalent" if status == "equivalent" else "survived"),
                f"{out.detail}; {why}",
            )
    result = TaskMutation(
        task_id=key, reference_ok=True, message=sim.message, generated=generated, outcomes=outcomes
    )
    survivors = [
        Survivor(
            **o.model_dump(include={"id", "kind", "line", "description"}),
            diff=mutant_diff(design, by_id[o.id].source),
        )
        for o in outcomes
        if o.status == "survived"
    ]
    wall = round(time.monotonic() - start, 2)
    return base.model_copy(update={"mutation": result, "survivors": survivors, "wall_s": wall})
