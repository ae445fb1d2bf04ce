"""The optimizer's result models and their plain-text rendering (pure)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from chipsmith.tools.optimize.evaluate import Evaluation
from chipsmith.tools.optimize.pareto import score
from chipsmith.tools.optimize.recipe import Recipe
from chipsmith.tools.optimize.verify import Proof


class Candidate(BaseModel):
    """One evaluated recipe as reported: its PPA, goal score and proof."""

    index: int
    key: str
    recipe: Recipe
    area_um2: float
    delay_ps: float
    power_w: float | None
    cell_count: int
    score: float
    ratio: float
    """score / the default flow's score (below 1 is better)."""
    proven: bool | None = None
    proof: str = ""

    @property
    def adp(self) -> float:
        return self.area_um2 * self.delay_ps


def candidate(ev: Evaluation, goal: str, baseline_score: float, proof: Proof | None = None) -> Candidate:
    """Pure: an Evaluation (which must have metrics) as a Candidate."""
    point = ev.metrics()
    assert point is not None
    s = score(goal, point)
    return Candidate(
        index=ev.index,
        key=ev.key,
        recipe=ev.recipe,
        area_um2=point[0],
        delay_ps=point[1],
        power_w=ev.power_w,
        cell_count=ev.cell_count,
        score=s,
        ratio=s / baseline_score if baseline_score > 0 else 1.0,
        proven=proof.equivalent if proof else None,
        proof=proof.message if proof else "",
    )


class EquivCounts(BaseModel):
    proven: int = 0
    failed: int = 0
    """A difference was found: the candidate is discarded."""
    unknown: int = 0
    """Not settled within the time limit: discarded too."""


class OptimizeResult(BaseModel):
    """Everything one ``chipsmith optimize`` run found."""

    top: str
    goal: str
    liberty: list[str]
    clock_period_ps: float
    strategy: str
    jobs: int
    budget_s: float
    baseline: Candidate
    best: Candidate | None
    """The best proven candidate for the goal (None when nothing could be proven)."""
    front: list[Candidate] = Field(default_factory=list)
    """Proven Pareto-optimal candidates over (area, delay, power)."""
    discarded: list[Candidate] = Field(default_factory=list)
    equivalence: EquivCounts = Field(default_factory=EquivCounts)
    evaluations: int = 0
    failed_evaluations: int = 0
    history_seeds: int = 0
    search_wall_s: float = 0.0
    verify_wall_s: float = 0.0
    wall_s: float = 0.0
    evals_per_s: float = 0.0
    trace: list[tuple[int, float, float | None]] = Field(default_factory=list)
    """(evaluation index, seconds since the search started, goal score or None) in finishing order."""
    best_script: str | None = None
    best_netlist: str | None = None


def _fmt(v: float | None, spec: str) -> str:
    return "n/a" if v is None else format(v, spec)


def _delta(after: float | None, before: float | None) -> str:
    if after is None or before is None or before == 0:
        return ""
    return f"{(after / before - 1) * 100:+.1f}%"


def before_after(r: OptimizeResult) -> list[tuple[str, str, str, str]]:
    """Pure: (metric, default flow, best, change) rows."""
    b, a = r.baseline, r.best
    rows = [
        ("area um^2", b.area_um2, a.area_um2 if a else None, ".3f"),
        ("delay ps", b.delay_ps, a.delay_ps if a else None, ".1f"),
        ("power W", b.power_w, a.power_w if a else None, ".4g"),
        ("area x delay", b.adp, a.adp if a else None, ".1f"),
        ("cells", float(b.cell_count), float(a.cell_count) if a else None, ".0f"),
    ]
    return [(name, _fmt(x, f), _fmt(y, f), _delta(y, x)) for name, x, y, f in rows]


def render_text(r: OptimizeResult) -> str:
    """Pure: the human report: before/after table, Pareto front, proofs, throughput."""
    lines = [f"optimize {r.top}: goal {r.goal}, {r.strategy} search, {r.evaluations} evaluations in {r.search_wall_s:.1f} s "
             f"({r.evals_per_s:.2f}/s, --jobs {r.jobs}), {r.history_seeds} seeds from the recipe history"]  # fmt: skip
    lines.append(f"{'':14} {'default flow':>14} {'optimized':>14} {'change':>8}")
    lines += [f"{m:14} {x:>14} {y:>14} {d:>8}" for m, x, y, d in before_after(r)]
    if r.best is None:
        lines.append("no candidate was proven equivalent: keep the default flow")
    else:
        lines.append(f"best recipe {r.best.key} (evaluation #{r.best.index}): {r.best.proof}")
    lines.append(f"Pareto front (proven, {len(r.front)}):  area um^2 / delay ps / power W")
    lines += [f"  {c.key}  {c.area_um2:.3f} / {c.delay_ps:.1f} / {_fmt(c.power_w, '.4g')}" for c in r.front]
    eq = r.equivalence
    lines.append(
        f"equivalence: {eq.proven} proven, {eq.failed} failed, {eq.unknown} unknown (failed and unknown are "
        f"discarded); {r.failed_evaluations} recipes did not synthesize; verification {r.verify_wall_s:.1f} s"
    )
    return "\n".join(lines)
