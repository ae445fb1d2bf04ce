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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from chipsmith.registry import TOOLS
from chipsmith.sandbox.base import Sandbox
from chipsmith.tools.optimize import pareto
from chipsmith.tools.optimize.evaluate import (
    Design,
    Evaluation,
    Library,
    OptimizeError,
    prepare_library,
)
from chipsmith.tools.optimize.history import HistoryRecord, RankedRecipe, RecipeHistory, features
from chipsmith.tools.optimize.recipe import RecipeError, delay_ps, standalone_script
from chipsmith.tools.optimize.report import Candidate, EquivCounts, OptimizeResult, candidate
from chipsmith.tools.optimize.search import OptimizeConfig, RunState, search, verify
from chipsmith.tools.optimize.search import seeds as pick_seeds
from chipsmith.tools.optimize.space import DEFAULT_EXPLICIT, Capabilities
from chipsmith.tools.optimize.strategy import STRATEGIES
from chipsmith.tools.optimize.verify import ProofCache


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


def _baseline(run: RunState) -> Evaluation:
    ev = run.run_one(None, 0)
    if not ev.ok:
        msg = ev.error or "no result"
        if "cannot be legalized" in msg or "not mapped" in msg or "Cannot find" in msg:
            raise OptimizeError(f"the liberty library lacks cells this design needs: {msg}")
        raise OptimizeError(f"the design does not synthesize with the default flow: {msg}")
    run.record(ev, DEFAULT_EXPLICIT)
    run.ref_delay = ev.delay_ps
    return ev


def _history_record(
    run: RunState, feats: dict[str, float], ver: ProofCache, base_score: float
) -> HistoryRecord:
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


def _best_script(run: RunState, ev: Evaluation) -> str:
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
    run: RunState,
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
    run = RunState(Design(sources=sources, top=top), lib, cfg, sandbox)
    try:
        base = _baseline(run)
    except RecipeError as exc:
        raise OptimizeError(str(exc)) from None
    caps = Capabilities(gain_delays=lib.gain_delays, registers=bool(base.clocks))
    feats = features(base.generic_cells, base.logic_depth)
    history = RecipeHistory(home) if home is not None else None
    seed_list, n_hist = pick_seeds(run, history if cfg.use_history else None, feats)
    ver = ProofCache(run.design, lib, sandbox=sandbox, timeout_s=cfg.verify_timeout_s, reset=cfg.reset)
    # One worker more than --jobs: the proof of a new best runs beside the evaluations.
    with ThreadPoolExecutor(max_workers=cfg.jobs + 1) as pool:
        search(run, seed_list, caps, pool, ver)
        search_s = time.monotonic() - run.start
        best, front = verify(run, pool, ver)
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
