"""The kernel agent's search state: every checked answer (its lineage), the island populations of
correct kernels, the choice of the next operation, and persistence (one JSON file per solve).

Layout: islands (robust-kbench / OpenEvolve style). Each island keeps its ``island_size`` fastest
CORRECT kernels; a kernel flagged by any anti-cheat mechanism, a wrong one or a crashed one never
enters a population, so it is never a parent and never the best. Seeds (first answers to the task
prompt) are spread over the islands; then each step picks an island round-robin and asks for a
mutation of a tournament winner, or with ``crossover_rate`` a crossover with the best kernel of
another island; every ``migrate_every`` steps each island's best is copied to the next island.
While no kernel is correct, the step repairs the latest answer that has code (its feedback in
the prompt). Selection is by speed only: the geometric mean over the timed shapes of the speedup
against the fastest eager time the solve has seen at that shape (so the kernels' own times decide,
not the noise of each check's eager timing).

The state is written after every answer (atomically), so a killed run resumes with the same
population, lineage, counters and spending (``EvolveState.load``).
"""

from __future__ import annotations

import os
import random
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from chipsmith.agents.kernel_check import Verdict

Origin = Literal["seed", "sample", "repair", "improve", "mutation", "crossover"]
STATE_VERSION = 1
FAILURE_ORDER = ("mismatch", "timeout", "runtime", "compile", "harness_error", "unusable")
"""How close a failed kernel came, best first (a cheat never ranks: it is never submitted)."""


class Attempt(BaseModel):
    """One checked answer of the model."""

    id: int
    """1-based answer number within the solve (resumes included)."""
    origin: Origin
    parents: list[int] = Field(default_factory=list)
    island: int | None = None
    code: str | None = None
    problem: str | None = None
    """Why the reply held no usable file (then ``verdict`` is None)."""
    verdict: Verdict | None = None
    same_as: int | None = None
    """The earlier answer with the very same file (its verdict is reused; it joins no population)."""
    summary: str = ""

    @property
    def correct(self) -> bool:
        return self.verdict is not None and self.verdict.correct

    @property
    def flagged(self) -> bool:
        return self.verdict is not None and self.verdict.flagged

    @property
    def fitness(self) -> float | None:
        return self.verdict.fitness() if self.verdict is not None else None

    def speed(self, eager: dict[int, float] | None = None) -> float:
        """The selection key: speedup against the solve's fastest eager times (0: none)."""
        return (self.verdict.fitness(eager) if self.verdict is not None else None) or 0.0

    def rank(self, eager: dict[int, float] | None = None) -> tuple[int, float, int]:
        """Order for "best so far": correct and fast first, then the nearest miss; cheats last."""
        if self.verdict is None or self.flagged or self.code is None:
            return (-1, 0.0, 0)
        if self.correct:
            return (1, self.speed(eager), 0)
        fc = self.verdict.failure_class
        return (0, 0.0, -(FAILURE_ORDER.index(fc) if fc in FAILURE_ORDER else len(FAILURE_ORDER)))


def summary_of(a: Attempt) -> str:
    """Pure: one line for events, prompts and the transcript."""
    if a.verdict is None:
        return f"no kernel in the reply: {a.problem or 'no code'}"[:200]
    if a.same_as is not None:
        return f"the same file as answer {a.same_as} (its verdict again: {a.verdict.failure_class})"
    v = a.verdict
    if v.correct:
        fit = a.fitness
        speed = (
            f", speedup {fit:.2f}x (geomean over {len([t for t in v.timings if t.speedup])} shapes)"
            if fit
            else ""
        )
        return f"correct{speed}"
    how = f" (caught by {v.caught_by})" if v.caught_by and v.flagged else ""
    return f"{v.failure_class}{how}: {v.message}"[:240]


class Island(BaseModel):
    members: list[int] = Field(default_factory=list)
    """Attempt ids of its correct kernels, fastest first."""


class Spent(BaseModel):
    """What the solve has used so far, across resumes."""

    model_calls: int = 0
    cached_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = 0.0
    wall_s: float = 0.0
    harness_runs: int = 0


class Operation(BaseModel):
    kind: Origin
    parents: list[int] = Field(default_factory=list)
    island: int = 0


class EvolveState(BaseModel):
    """A solve's search: lineage, populations, counters (see the module docstring)."""

    version: int = STATE_VERSION
    task_id: str
    backend: str
    search: str
    attempts: list[Attempt] = Field(default_factory=list)
    islands: list[Island] = Field(default_factory=list)
    best: int | None = None
    stale: int = 0
    """Answers since the best correct kernel last improved (0 until one is correct)."""
    migrations: int = 0
    spent: Spent = Field(default_factory=Spent)
    finished: str = ""
    """The stop reason once the search ended ("" while it can go on)."""

    @classmethod
    def new(cls, task_id: str, backend: str, search: str, islands: int) -> EvolveState:
        return cls(
            task_id=task_id,
            backend=backend,
            search=search,
            islands=[Island() for _ in range(max(1, islands))],
        )

    def get(self, attempt_id: int) -> Attempt:
        return next(a for a in self.attempts if a.id == attempt_id)

    def next_id(self) -> int:
        return len(self.attempts) + 1

    def best_attempt(self) -> Attempt | None:
        """The best answer so far by ``Attempt.rank``; never a flagged one or one without code."""
        eager = self.eager_ms()
        ranked = [a for a in self.attempts if a.rank()[0] >= 0]
        # max keeps the earliest of equals
        return max(ranked, key=lambda a: a.rank(eager)) if ranked else None

    def eager_ms(self) -> dict[int, float]:
        """Pure: per timed shape index, the fastest eager PyTorch time any check of the solve saw."""
        out: dict[int, float] = {}
        for a in self.attempts:
            for t in a.verdict.timings if a.verdict is not None else []:
                if t.baseline_ms and t.baseline_ms > 0:
                    out[t.index] = min(out.get(t.index, t.baseline_ms), t.baseline_ms)
        return out

    def add(self, a: Attempt, island_size: int) -> bool:
        """Record an answer; a correct one joins its island. True when it is the new best kernel."""
        a.summary = a.summary or summary_of(a)
        self.attempts.append(a)
        before = self.best
        if a.correct and a.same_as is None:
            isl = self.islands[(a.island or 0) % len(self.islands)]
            isl.members = self._sorted(isl.members + [a.id])[: max(1, island_size)]
        best = self.best_attempt()
        self.best = best.id if best is not None and best.correct else None
        improved = self.best is not None and self.best != before
        if self.best is not None:
            self.stale = 0 if improved else self.stale + 1
        return improved

    def _sorted(self, ids: list[int]) -> list[int]:
        eager = self.eager_ms()
        return sorted(dict.fromkeys(ids), key=lambda i: -self.get(i).speed(eager))

    def correct_ids(self) -> list[int]:
        return [a.id for a in self.attempts if a.correct]

    def migrate(self, island_size: int) -> None:
        """Ring migration: each island's best kernel joins the next island."""
        n = len(self.islands)
        if n < 2:
            return
        bests = [isl.members[0] if isl.members else None for isl in self.islands]
        for i, b in enumerate(bests):
            if b is not None:
                nxt = self.islands[(i + 1) % n]
                nxt.members = self._sorted(nxt.members + [b])[: max(1, island_size)]
        self.migrations += 1

    def next_operation(self, rng: random.Random, seeds: int, crossover_rate: float) -> Operation:
        """What to ask the model for next (see the module docstring)."""
        n = len(self.islands)
        seeded = sum(a.origin in ("seed", "sample") for a in self.attempts)
        if seeded < seeds:
            return Operation(kind="seed", island=seeded % n)
        if not self.correct_ids():
            fixable = [a for a in self.attempts if a.code is not None and not a.flagged]
            if not fixable:
                return Operation(kind="seed", island=seeded % n)
            last = fixable[-1]
            return Operation(kind="repair", parents=[last.id], island=last.island or 0)
        live = [i for i, isl in enumerate(self.islands) if isl.members]
        island = live[len(self.attempts) % len(live)]
        members = self.islands[island].members
        parent = _tournament(rng, members, self)
        others = [m for i in live if i != island for m in self.islands[i].members[:1]] + members[1:]
        others = [o for o in others if o != parent]
        if others and rng.random() < crossover_rate:
            return Operation(kind="crossover", parents=[parent, others[0]], island=island)
        return Operation(kind="mutation", parents=[parent], island=island)

    def save(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(path.suffix + f".{os.getpid()}.tmp")
        tmp.write_text(self.model_dump_json(indent=1), encoding="utf-8")
        os.replace(tmp, path)  # a kill mid-write leaves the previous state
        return path

    @classmethod
    def load(cls, path: Path) -> EvolveState | None:
        """The saved state, or None when there is none or it is unreadable (a fresh start)."""
        try:
            state = cls.model_validate_json(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return state if state.version == STATE_VERSION else None


def _tournament(rng: random.Random, members: list[int], state: EvolveState, size: int = 2) -> int:
    """The fastest of ``size`` members drawn at random (the only member when there is one)."""
    pool = rng.sample(members, min(size, len(members)))
    eager = state.eager_ms()
    return max(pool, key=lambda i: state.get(i).speed(eager))


def step_rng(seed: int, step: int) -> random.Random:
    """A generator for one step, the same whether the run was resumed or not."""
    return random.Random(seed * 1_000_003 + step)
