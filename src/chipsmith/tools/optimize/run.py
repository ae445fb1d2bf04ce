"""``optimize``: search synthesis recipes for one design, prove the results, report and remember.

1. The default flow (``chipsmith synth``'s) runs first: it is the baseline, its generic netlist
   gives the design's structural features, and a design that does not synthesize stops here with
   one line.
2. The strategy proposes recipes: first the best ones of the most similar designs in the recipe
   history, then the fixed scripts, then its own. ``jobs`` candidates run at once in the sandbox.
3. After the budget: the best candidates for the goal are proven equivalent to the input, best
   first, until one holds; then the Pareto front over (area, delay, power). A candidate that
   fails or is not settled is discarded and counted, never reported.
4. The run's best recipes are appended to the history.
"""

from __future__ import annotations

import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from chipsmith.registry import TOOLS
from chipsmith.sandbox.base import Sandbox
from chipsmith.tools.optimize import pareto
from chipsmith.tools.optimize.evaluate import (
    Design,
    Evaluation,
    Library,
    OptimizeError,
    evaluate,
    prepare_library,
)
from chipsmith.tools.optimize.history import HistoryRecord, RankedRecipe, RecipeHistory, features
from chipsmith.tools.optimize.recipe import DEFAULT, RecipeError, delay_ps, standalone_script
from chipsmith.tools.optimize.report import Candidate, EquivCounts, OptimizeResult, candidate
from chipsmith.tools.optimize.space import DEFAULT_EXPLICIT, FIXED, Capabilities, Genome
from chipsmith.tools.optimize.strategy import STRATEGIES, make_strategy
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


class _Run:
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


def _validate(cfg: OptimizeConfig, sources: dict[str, bytes], top: str) -> None:
    if not cfg.budget_s > 0:
        raise OptimizeError("the search budget must be a positive number of seconds (--budget)")
    if cfg.goal not in pareto.GOALS:
        raise OptimizeError(f"unknown goal {cfg.goal!r}; use one of {', '.join(pareto.GOALS)}")
    if cfg.strategy not in STRATEGIES:
        raise OptimizeError(f"unknown search strategy {cfg.strategy!r}; use one of {', '.join(STRATEGIES)}")
    if cfg.jobs < 1 or cfg.clock_period_ps <= 0:
        raise OptimizeError("--jobs must be at least 1 and --clock-period positive")
    if not any(n.endswith((".v", ".sv")) for n in sources):
        raise OptimizeError("no Verilog sources (.v/.sv) given")
    if not top:
        raise OptimizeError("name the top module (--top)")


def _baseline(run: _Run) -> Evaluation:
    ev = run.run_one(None, 0)
    if not ev.ok:
        msg = ev.error or "no result"
        if "cannot be legalized" in msg or "not mapped" in msg or "Cannot find" in msg:
            raise OptimizeError(f"the liberty library lacks cells this design needs: {msg}")
        raise OptimizeError(f"the design does not synthesize with the default flow: {msg}")
    run.record(ev, DEFAULT_EXPLICIT)
    run.ref_delay = ev.delay_ps
    return ev


def _stop(run: _Run, best: float | None) -> bool:
    cfg = run.cfg
    if time.monotonic() - run.start >= cfg.budget_s:
        return True
    if cfg.max_evaluations is not None and len(run.evals) >= cfg.max_evaluations:
        return True
    return cfg.target_score is not None and best is not None and best <= cfg.target_score


def _search(
    run: _Run, seeds: list[Genome], caps: Capabilities, pool: ThreadPoolExecutor, proofs: ProofCache
) -> None:
    """Evaluate proposals ``jobs`` at a time until the budget is spent. Each new best is proven at
    once: a recipe that breaks equivalence is dropped from the population, so the search does
    not keep breeding from a fast but wrong netlist."""
    strat = make_strategy(run.cfg.strategy, seeds, caps, run.cfg.seed)
    base = run.evals[0]
    strat.tell(DEFAULT_EXPLICIT, run.score(base))
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
            kind, genome, ev = inflight.pop(fut)
            if kind == "proof":
                if fut.result().equivalent is not True and ev is not None:
                    strat.discard(genome)
                continue
            ev = fut.result()
            s = run.record(ev, genome)
            strat.tell(genome, s)
            if s is not None and (best is None or s < best):
                best = s
                inflight[pool.submit(proofs.prove, ev)] = ("proof", genome, ev)


def _seeds(run: _Run, history: RecipeHistory | None, feats: dict[str, float]) -> tuple[list[Genome], int]:
    found = history.seeds(feats, goal=run.cfg.goal, library=run.lib.digest) if history else []
    return found + list(FIXED.values()), len(found)


def _verify(
    run: _Run, pool: ThreadPoolExecutor, proofs: ProofCache
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


def _history_record(run: _Run, feats: dict[str, float], ver: ProofCache, base_score: float) -> HistoryRecord:
    ranked: list[RankedRecipe] = []
    for ev in sorted((e for e in run.evals if e.metrics()), key=lambda e: run.score(e) or 0.0)[:5]:
        proof = ver.proofs.get(ev.key)
        ratio = (run.score(ev) or base_score) / base_score
        ranked.append(
            RankedRecipe(genome=run.genomes[ev.key], ratio=ratio, proven=bool(proof and proof.equivalent))
        )
    return HistoryRecord(
        design=run.design.top,
        digest=run.design.digest(),
        library=run.lib.digest,
        library_label=run.lib.label,
        goal=run.cfg.goal,
        features=feats,
        best=ranked,
        evaluations=len(run.evals),
    )


def script_liberty(lib: Library) -> str:
    """Pure: the liberty path a standalone script names: the user's file when it is one plain
    ``.lib``, else ``merged.lib`` (the merged, repaired text the CLI writes beside the script)."""
    names = lib.names
    if len(names) == 1 and not names[0].endswith(".gz"):
        return str(Path(names[0]).resolve())
    return "merged.lib"


def _best_script(run: _Run, ev: Evaluation) -> str:
    header = (
        f"chipsmith optimize: recipe {ev.key} for {run.design.top}, goal {run.cfg.goal}\n"
        f"area {ev.area_um2} um^2, delay {ev.delay_ps} ps, power {ev.power_w} W "
        f"(clock {run.cfg.clock_period_ps:g} ps, {run.lib.label})\n"
        f"run: yosys -s THIS_FILE (writes optimized_netlist.v)\nrecipe: {ev.recipe.model_dump_json()}"
    )
    d = delay_ps(ev.recipe, clock_period_ps=run.cfg.clock_period_ps, ref_delay_ps=run.ref_delay)
    return standalone_script(
        ev.recipe,
        sources=run.design.verilog(),
        top=run.design.top,
        liberty=script_liberty(run.lib),
        d_ps=d,
        fixups=run.lib.fixups,
        netlist="optimized_netlist.v",
        header=header,
    )


def _result(
    run: _Run,
    best: Evaluation | None,
    front: list[Evaluation],
    ver: ProofCache,
    times: tuple[float, float],
    seeds: int,
) -> OptimizeResult:
    cfg, base = run.cfg, run.evals[0]
    base_score = run.score(base) or 1.0

    def cand(ev: Evaluation) -> Candidate:
        return candidate(ev, cfg.goal, base_score, ver.proofs.get(ev.key))

    checked = list(ver.proofs.values())
    counts = EquivCounts(
        proven=sum(p.equivalent is True for p in checked),
        failed=sum(p.equivalent is False for p in checked),
        unknown=sum(p.equivalent is None for p in checked),
    )
    by_key = {e.key: e for e in run.evals}
    search_s, verify_s = times
    return OptimizeResult(
        top=run.design.top, goal=cfg.goal, liberty=run.lib.names, clock_period_ps=cfg.clock_period_ps,
        strategy=cfg.strategy, jobs=cfg.jobs, budget_s=cfg.budget_s, baseline=cand(base),
        best=cand(best) if best else None, front=[cand(e) for e in front],
        discarded=[cand(by_key[p.key]) for p in checked if p.equivalent is not True],
        equivalence=counts, evaluations=len(run.evals), failed_evaluations=sum(not e.ok for e in run.evals),
        history_seeds=seeds, search_wall_s=round(search_s, 3), verify_wall_s=round(verify_s, 3),
        wall_s=round(search_s + verify_s, 3), evals_per_s=round(len(run.evals) / search_s, 3) if search_s else 0.0,
        trace=run.trace, best_script=_best_script(run, best) if best else None,
        best_netlist=best.netlist if best else None,
    )  # fmt: skip


def optimize(
    sources: dict[str, bytes],
    *,
    top: str,
    liberty: list[Path] | None = None,
    config: OptimizeConfig | None = None,
    home: Path | None = None,
    sandbox: Sandbox | None = None,
) -> OptimizeResult:
    """Search synthesis recipes for ``sources`` (relative name -> Verilog) and return the proven
    Pareto front, the best recipe as a standalone yosys script, its netlist and the default flow's
    figures. Raises OptimizeError (one line) on bad input."""
    cfg = config or OptimizeConfig()
    _validate(cfg, sources, top)
    if sandbox is None:
        from chipsmith.sandbox import get_sandbox

        sandbox = get_sandbox()
    lib = prepare_library(liberty, sandbox)
    run = _Run(Design(sources=sources, top=top), lib, cfg, sandbox)
    try:
        base = _baseline(run)
    except RecipeError as exc:
        raise OptimizeError(str(exc)) from None
    caps = Capabilities(gain_delays=lib.gain_delays, registers=bool(base.clocks))
    feats = features(base.generic_cells, base.logic_depth)
    history = RecipeHistory(home) if home is not None else None
    seeds, n_hist = _seeds(run, history if cfg.use_history else None, feats)
    ver = ProofCache(run.design, lib, sandbox=sandbox, timeout_s=cfg.verify_timeout_s, reset=cfg.reset)
    # One worker more than --jobs: the proof of a new best runs beside the evaluations.
    with ThreadPoolExecutor(max_workers=cfg.jobs + 1) as pool:
        _search(run, seeds, caps, pool, ver)
        search_s = time.monotonic() - run.start
        best, front = _verify(run, pool, ver)
    verify_s = time.monotonic() - run.start - search_s
    if history is not None and cfg.record_history:
        history.append(_history_record(run, feats, ver, run.score(base) or 1.0))
    return _result(run, best, front, ver, (search_s, verify_s), n_hist)


@TOOLS.register("optimize")
def optimize_tool(
    files: dict[str, str],
    top: str,
    goal: str = "adp",
    budget_s: float = 60.0,
    liberty: list[str] | None = None,
    clock_period_ps: float = 1000.0,
    jobs: int = 1,
) -> OptimizeResult:
    """Search yosys/ABC synthesis recipes for a Verilog design and return proven-equivalent results.

    files: Verilog sources, file name -> text. top: the top module. goal: area, delay, power or
    adp (area x delay). budget_s: seconds of search. liberty: liberty file paths (default: the
    bundled library). clock_period_ps: clock period for timing. jobs: parallel candidates.
    Returns the default flow's and the best proven recipe's area, delay and power, the Pareto
    front, the best recipe as a standalone yosys script and its netlist.
    """
    from chipsmith.config import load_settings

    cfg = OptimizeConfig(goal=goal, budget_s=budget_s, clock_period_ps=clock_period_ps, jobs=jobs)
    sources = {name: text.encode() for name, text in files.items()}
    libs = [Path(p) for p in liberty] if liberty else None
    return optimize(sources, top=top, liberty=libs, config=cfg, home=load_settings().home)
