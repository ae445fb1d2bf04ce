"""Mutation testing of RTL testbenches: how many faulty copies of a reference does its testbench catch?

For each task the reference must first pass its own testbench. Then mutants of the reference
(``chipsmith.benchmarks._mutants``) are simulated against the same testbench:

- ``killed``: the testbench fails the mutant (mismatch, runtime error, ``$fatal``, or timeout);
- ``stillborn``: the mutant does not compile or elaborate (it does not count);
- ``survived``: the testbench passes it;
- ``equivalent``: it survived, and the equivalence checker proves it equal to the reference (it
  does not count against the score).

Score = killed / (killed + survived). Simulations and equivalence checks run in child processes
(iverilog, vvp, yosys) through the sandbox, so a thread pool is enough to keep ``jobs`` of them busy.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Literal

from pydantic import BaseModel, Field

from chipsmith.benchmarks._mutants import Mutant, generate_mutants, sample_mutants
from chipsmith.benchmarks.task import Task
from chipsmith.sandbox.base import Sandbox

Status = Literal["killed", "survived", "stillborn", "equivalent"]
DEFAULT_MAX_MUTANTS = 30
EQUIV_TIMEOUT_S = 60.0
EQUIV_DEPTH = 20


class MutantOutcome(BaseModel):
    """What the testbench (and, for survivors, the equivalence checker) made of one mutant."""

    id: str
    kind: str
    line: int
    description: str
    status: Status
    detail: str = ""
    """The simulator's one-line verdict, or the equivalence checker's message."""


class TaskMutation(BaseModel):
    """Mutation results of one task."""

    task_id: str
    reference_ok: bool
    message: str = ""
    generated: int = 0
    """Mutants generated before sampling down to ``max_mutants``."""
    outcomes: list[MutantOutcome] = Field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def score(self) -> float | None:
        """killed / (killed + survived); None when no mutant counts."""
        killed, survived = self.count("killed"), self.count("survived")
        return killed / (killed + survived) if killed + survived else None

    def summary(self) -> dict[str, object]:
        counts = {s: self.count(s) for s in ("killed", "survived", "equivalent", "stillborn")}
        score = self.score
        return {
            "task": self.task_id,
            "reference_ok": self.reference_ok,
            "mutants": len(self.outcomes),
            **counts,
            "score": None if score is None else round(score, 4),
        }


class MutationReport(BaseModel):
    """Mutation results of a set of tasks."""

    suite: str
    max_mutants: int | None
    jobs: int
    equivalence: bool
    tasks: list[TaskMutation]
    wall_s: float

    def totals(self) -> dict[str, object]:
        counts = {
            s: sum(t.count(s) for t in self.tasks) for s in ("killed", "survived", "equivalent", "stillborn")
        }
        counted = counts["killed"] + counts["survived"]
        scores = [s for t in self.tasks if (s := t.score) is not None]
        return {
            "tasks": len(self.tasks),
            "mutants": sum(len(t.outcomes) for t in self.tasks),
            **counts,
            "score": round(counts["killed"] / counted, 4) if counted else None,
            "min_task_score": round(min(scores), 4) if scores else None,
            "broken_references": [t.task_id for t in self.tasks if not t.reference_ok],
        }


def _reference_name(task: Task) -> str:
    return task.hidden.reference or "ref.v"


def mutable_tasks(tasks: list[Task]) -> tuple[list[Task], dict[str, str]]:
    """Pure: (tasks with a reference to mutate, {task id: why not} for the others).

    An adapter marks a task it cannot set up (``settings["unusable"]``, e.g. an RTLLM design without
    its verified file); such a task, or one without a reference, is skipped, not a reason to refuse
    the suite."""
    usable, skipped = [], {}
    for t in tasks:
        if why := t.hidden.settings.get("unusable"):
            skipped[t.id] = f"unusable: {why}"
        elif _reference_name(t) not in t.hidden.files:
            skipped[t.id] = "no reference design"
        else:
            usable.append(t)
    return usable, skipped


def simulate_design(task: Task, design: bytes, sandbox: Sandbox) -> tuple[str, str]:
    """Run ``design`` in place of a candidate against the task's hidden testbench, exactly as the RTL
    evaluator does (same compile list and data files, so any RTL suite works): (failure_class, message)."""
    from chipsmith.benchmarks.rtl_eval import candidate_sources, sim_inputs
    from chipsmith.tools.simulate import simulate

    name = _reference_name(task)
    cand = candidate_sources({name: design.decode("utf-8", errors="replace")})
    sources, data = sim_inputs(task, cand)
    res = simulate(
        sources,
        top=task.hidden.tb_top,
        sandbox=sandbox,
        timeout_s=float(task.hidden.settings.get("timeout_s", 30)),
        data_files=data or None,
    )
    return res.failure_class, res.message


def classify(failure_class: str) -> Status:
    """Pure: a simulation verdict seen from mutation testing."""
    if failure_class in ("compile", "elaborate"):
        return "stillborn"
    return "survived" if failure_class == "pass" else "killed"


def prove_equivalent(
    task: Task, mutant: Mutant, sandbox: Sandbox, timeout_s: float = EQUIV_TIMEOUT_S
) -> tuple[bool, str]:
    """Ask the equivalence checker whether a surviving mutant equals the reference."""
    from chipsmith.tools.equivalence import EquivError, check_equivalence

    ref = _reference_name(task)
    try:
        res = check_equivalence(
            {ref: task.hidden.files[ref]},
            {ref: mutant.source.encode()},
            top=task.public.top,
            depth=EQUIV_DEPTH,
            sandbox=sandbox,
            timeout_s=timeout_s,
        )
    except EquivError as exc:
        return False, f"equivalence not checked: {exc}"
    return res.equivalent is True, f"{res.method}: {res.message}"


def run_mutant(
    task: Task,
    mutant: Mutant,
    sandbox: Sandbox,
    equivalence: bool = True,
    equiv_timeout_s: float = EQUIV_TIMEOUT_S,
) -> MutantOutcome:
    """Simulate one mutant; prove survivors equivalent when ``equivalence`` is on."""
    fc, msg = simulate_design(task, mutant.source.encode(), sandbox)
    status = classify(fc)
    if status == "survived" and equivalence:
        proven, why = prove_equivalent(task, mutant, sandbox, equiv_timeout_s)
        status, msg = ("equivalent" if proven else "survived"), f"{msg}; {why}"
    return MutantOutcome(
        id=mutant.id,
        kind=mutant.kind,
        line=mutant.line,
        description=mutant.description,
        status=status,
        detail=msg,
    )


def mutants_for(task: Task, max_mutants: int | None) -> tuple[int, list[Mutant]]:
    """(number generated, the deterministic sample) for a task's reference."""
    ref = task.hidden.files[_reference_name(task)].decode("utf-8", errors="replace")
    every = generate_mutants(ref)
    return len(every), sample_mutants(every, max_mutants, key=task.id)


def mutate_tasks(
    tasks: list[Task],
    *,
    suite: str = "",
    max_mutants: int | None = DEFAULT_MAX_MUTANTS,
    jobs: int = 2,
    sandbox: Sandbox | None = None,
    equivalence: bool = True,
    equiv_timeout_s: float = EQUIV_TIMEOUT_S,
    progress: Callable[[TaskMutation], None] | None = None,
) -> MutationReport:
    """Mutation-test every task; all (task, mutant) simulations share one pool of ``jobs`` workers."""
    if sandbox is None:
        from chipsmith.sandbox import get_sandbox

        sandbox = get_sandbox()
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        refs = {
            t.id: pool.submit(simulate_design, t, t.hidden.files[_reference_name(t)], sandbox) for t in tasks
        }
        plans = {t.id: mutants_for(t, max_mutants) for t in tasks}
        futures = {
            t.id: [
                pool.submit(run_mutant, t, m, sandbox, equivalence, equiv_timeout_s) for m in plans[t.id][1]
            ]
            for t in tasks
        }
        results = []
        for t in tasks:
            fc, msg = refs[t.id].result()
            if fc != "pass":
                for f in futures[t.id]:
                    f.cancel()
            outcomes = [f.result() for f in futures[t.id]] if fc == "pass" else []
            res = _task_result(t.id, fc, msg, plans[t.id][0], outcomes)
            if progress is not None:
                progress(res)
            results.append(res)
    return MutationReport(
        suite=suite,
        max_mutants=max_mutants,
        jobs=jobs,
        equivalence=equivalence,
        tasks=results,
        wall_s=round(time.monotonic() - start, 2),
    )


def _task_result(
    task_id: str, ref_class: str, ref_msg: str, generated: int, outcomes: list[MutantOutcome]
) -> TaskMutation:
    """A task whose reference fails its own testbench gets no mutation score (its testbench is broken)."""
    if ref_class != "pass":
        return TaskMutation(
            task_id=task_id, reference_ok=False, message=f"reference fails: {ref_msg}", generated=generated
        )
    return TaskMutation(
        task_id=task_id, reference_ok=True, message=ref_msg, generated=generated, outcomes=outcomes
    )
