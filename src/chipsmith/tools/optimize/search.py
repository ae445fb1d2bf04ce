"""The search loop of ``optimize``: run state, proposals evaluated ``jobs`` at a time, proofs of
each new best during the search, and the final proofs in goal order."""

from __future__ import annotations

import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

from pydantic import BaseModel

from chipsmith.sandbox.base import Sandbox
from chipsmith.tools.optimize import pareto
from chipsmith.tools.optimize.evaluate import Design, Evaluation, Library, evaluate
from chipsmith.tools.optimize.history import RecipeHistory
from chipsmith.tools.optimize.recipe import DEFAULT
from chipsmith.tools.optimize.space import DEFAULT_EXPLICIT, FIXED, Capabilities, Genome
from chipsmith.tools.optimize.strategy import Strategy, make_strategy
from chipsmith.tools.optimize.verify import ProofCache

MAX_PROOF_TRIES = 12
"""Most candidates proven after the search while looking for the best one."""


class OptimizeConfig(BaseModel):
    """Knobs of one run (the CLI flags)."""

    goal: str = "adp"
    budget_s: float = 60.0
    """Seconds of search (the default flow included); verification comes after."""
    clock_period_ps: float = 1000.0
    jobs: int = 1
    strategy: str = "evolve"
    seed: int = 0
    reset: str | None = "auto"
    """Reset input asserted in the first cycle of the sequential proof: a port, "auto" or None."""
    verify_timeout_s: float = 30.0
    """Limit for one equivalence proof."""
    max_front: int = 6
    """Most Pareto points proven and reported besides the best."""
    eval_timeout_s: float = 120.0
    max_evaluations: int | None = None
    target_score: float | None = None
    """Stop the search as soon as a candidate scores this low (benchmarks: evaluations to a target)."""
    use_history: bool = True
    record_history: bool = True


class RunState:
    """Mutable state of one optimization."""

    def __init__(self, design: Design, lib: Library, cfg: OptimizeConfig, sandbox: Sandbox) -> None:
        self.design, self.lib, self.cfg, self.sandbox = design, lib, cfg, sandbox
        self.evals: list[Evaluation] = []
        self.genomes: dict[str, Genome] = {}
        self.trace: list[tuple[int, float, float | None]] = []
        self.start = time.monotonic()
        self.ref_delay: float | None = None

    def score(self, ev: Evaluation) -> float | None:
        point = ev.metrics()
        return pareto.score(self.cfg.goal, point) if point else None

    def run_one(self, genome: Genome | None, index: int) -> Evaluation:
        recipe = genome.recipe() if genome else DEFAULT
        left = self.cfg.eval_timeout_s
        return evaluate(
            recipe,
            self.design,
            self.lib,
            index=index,
            clock_period_ps=self.cfg.clock_period_ps,
            ref_delay_ps=self.ref_delay,
            sandbox=self.sandbox,
            timeout_s=left,
        )

    def record(self, ev: Evaluation, genome: Genome | None) -> float | None:
        self.evals.append(ev)
        if genome is not None:
            self.genomes[ev.key] = genome
        s = self.score(ev)
        self.trace.append((ev.index, round(time.monotonic() - self.start, 3), s))
        return s


def _stop(run: RunState, best: float | None) -> bool:
    cfg = run.cfg
    if time.monotonic() - run.start >= cfg.budget_s:
        return True
    if cfg.max_evaluations is not None and len(run.evals) >= cfg.max_evaluations:
        return True
    return cfg.target_score is not None and best is not None and best <= cfg.target_score


class _Prover:
    """At most one proof during the search: the latest new best waits for the running one. After
    two unsettled proofs the design is taken as too hard to prove quickly and the search stops
    proving (the final proofs still run)."""

    def __init__(self, pool: ThreadPoolExecutor, proofs: ProofCache) -> None:
        self.pool, self.proofs = pool, proofs
        self.running: Future[Any] | None = None
        self.waiting: tuple[Genome, Evaluation] | None = None
        self.unknown = 0

    def offer(self, genome: Genome, ev: Evaluation, inflight: dict[Future[Any], Any]) -> None:
        if self.unknown >= 2:
            return
        if self.running is not None:
            self.waiting = (genome, ev)
            return
        self.running = self.pool.submit(self.proofs.prove, ev)
        inflight[self.running] = ("proof", genome, ev)

    def done(
        self, fut: Future[Any], genome: Genome, strat: Strategy, inflight: dict[Future[Any], Any]
    ) -> None:
        verdict = fut.result().equivalent
        self.unknown += verdict is None
        if verdict is not True:
            strat.discard(genome)
        self.running = None
        if self.waiting is not None:
            waiting, self.waiting = self.waiting, None
            self.offer(*waiting, inflight)


def search(
    run: RunState, seeds: list[Genome], caps: Capabilities, pool: ThreadPoolExecutor, proofs: ProofCache
) -> None:
    """Evaluate proposals ``jobs`` at a time until the budget is spent. New bests are proven during
    the search: a recipe that breaks equivalence is dropped from the population, so the search does
    not keep breeding from a fast but wrong netlist."""
    strat = make_strategy(run.cfg.strategy, seeds, caps, run.cfg.seed)
    base = run.evals[0]
    strat.tell(DEFAULT_EXPLICIT, run.score(base))
    prover = _Prover(pool, proofs)
    inflight: dict[Future[Any], tuple[str, Genome, Evaluation | None]] = {}
    best = run.score(base)
    next_index = 1
    while True:
        while sum(k == "eval" for k, _g, _e in inflight.values()) < run.cfg.jobs and not _stop(run, best):
            genome = strat.ask()
            inflight[pool.submit(run.run_one, genome, next_index)] = ("eval", genome, None)
            next_index += 1
        if not inflight:
            return
        done, _ = wait(inflight, return_when=FIRST_COMPLETED)
        for fut in done:
            kind, genome, _ev = inflight.pop(fut)
            if kind == "proof":
                prover.done(fut, genome, strat, inflight)
                continue
            ev = fut.result()
            s = run.record(ev, genome)
            strat.tell(genome, s)
            if s is not None and (best is None or s < best):
                best = s
                prover.offer(genome, ev, inflight)


def seeds(run: RunState, history: RecipeHistory | None, feats: dict[str, float]) -> tuple[list[Genome], int]:
    found = history.seeds(feats, goal=run.cfg.goal, library=run.lib.digest) if history else []
    return found + list(FIXED.values()), len(found)


def verify(
    run: RunState, pool: ThreadPoolExecutor, proofs: ProofCache
) -> tuple[Evaluation | None, list[Evaluation]]:
    """The best proven candidate (proving in goal order until one holds) and the proven front."""
    ok = sorted((e for e in run.evals if e.metrics()), key=lambda e: (run.score(e), e.index))
    best, unknown, tried = None, 0, 0
    for ev in ok:
        verdict = proofs.verdict(ev.key)
        if verdict == "unchecked":
            if tried >= MAX_PROOF_TRIES:
                break
            tried += 1
            verdict = proofs.prove(ev).equivalent
        if verdict is True:
            best = ev
            break
        unknown += verdict is None
        if unknown >= 2:  # a design the prover cannot settle: stop spending time on it
            break
    front = pareto.front(ok, [e.metrics() for e in ok])  # type: ignore[misc]
    rest = [e for e in front if proofs.verdict(e.key) == "unchecked"][: run.cfg.max_front] if best else []
    list(pool.map(proofs.prove, rest))
    return best, [e for e in front if proofs.verdict(e.key) is True]
