"""The recipe optimizer (``chipsmith optimize``) as the synthesis agent uses it.

Before the model's first change the optimizer searches synthesis recipes for the starting design:
the model learns how much synthesis alone gains (and the recipe history grows); after the last
step it runs again on the best design kept, so the report shows RTL changes and recipe search
together. Its results are proven equivalent to its input by the optimizer itself; a run that fails
or proves nothing is reported as such, never as a gain.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel


class OptimizerSummary(BaseModel):
    """One optimizer run, as the agent reports it."""

    design: str
    """start | final."""
    goal: str
    budget_s: float
    error: str | None = None
    evaluations: int = 0
    wall_s: float = 0.0
    default: dict[str, float | None] | None = None
    """The default flow's figures (area_um2, delay_ps, power_w)."""
    best: dict[str, float | None] | None = None
    """The best proven recipe's figures; None when nothing was proven."""
    ratio: float | None = None
    """Goal score of the best proven recipe / the default flow's (below 1 is better)."""
    recipe: str | None = None
    proof: str = ""
    equivalence: dict[str, int] = {}
    script: str | None = None
    """The best recipe as a standalone yosys script."""

    def verdict(self) -> str:
        """Pure: one line for live views."""
        if self.error:
            return f"error: {self.error}"
        if self.ratio is None:
            return f"{self.evaluations} recipes, none proven better"
        return f"{self.evaluations} recipes, best {(self.ratio - 1) * 100:+.1f}% {self.goal} (proven)"

    def text(self) -> str:
        """Pure: what the model is shown."""
        if self.error:
            return f"the recipe search did not run: {self.error}"
        head = (
            f"recipe search ({self.evaluations} synthesis recipes in {self.wall_s:.0f} s, goal {self.goal})"
        )
        if self.best is None or self.ratio is None:
            return f"{head}: no recipe proven better than the default flow; RTL changes are what is left"
        return (
            f"{head}: the best proven recipe reaches {_figures(self.best)} "
            f"({(self.ratio - 1) * 100:+.1f}% {self.goal} against the default flow's {_figures(self.default)}). "
            "A recipe cannot change the design's architecture: that is your part."
        )


def _figures(f: dict[str, float | None] | None) -> str:
    f = f or {}
    area, delay, power = f.get("area_um2"), f.get("delay_ps"), f.get("power_w")
    return (
        f"area {area:.3f} um^2, delay {delay:.1f} ps" if area is not None and delay is not None else "n/a"
    ) + (f", power {power:.4g} W" if power is not None else "")


def _point(c: Any) -> dict[str, float | None]:
    return {"area_um2": c.area_um2, "delay_ps": c.delay_ps, "power_w": c.power_w}


def run_optimizer(
    files: dict[str, str],
    top: str,
    *,
    design: str,
    goal: str,
    budget_s: float,
    liberty: list[Path] | None,
    clock_period_ps: float,
    home: Path,
    sandbox: Any = None,
) -> OptimizerSummary:
    """Search recipes for ``files``; any failure becomes the summary's ``error`` (one line)."""
    from chipsmith.tools.optimize.evaluate import OptimizeError
    from chipsmith.tools.optimize.run import optimize
    from chipsmith.tools.optimize.search import OptimizeConfig

    out = OptimizerSummary(design=design, goal=goal, budget_s=budget_s)
    cfg = OptimizeConfig(goal=goal, budget_s=budget_s, clock_period_ps=clock_period_ps, jobs=1)
    try:
        res = optimize({n: t.encode() for n, t in files.items()}, top=top, liberty=liberty, config=cfg,
                       home=home, sandbox=sandbox)  # fmt: skip
    except OptimizeError as exc:
        return out.model_copy(update={"error": str(exc)})
    eq = res.equivalence
    out = out.model_copy(update={
        "evaluations": res.evaluations, "wall_s": res.wall_s, "default": _point(res.baseline),
        "equivalence": {"proven": eq.proven, "failed": eq.failed, "unknown": eq.unknown},
    })  # fmt: skip
    if res.best is None:
        return out
    return out.model_copy(update={
        "best": _point(res.best), "ratio": round(res.best.ratio, 4), "recipe": res.best.key,
        "proof": res.best.proof, "script": res.best_script,
    })  # fmt: skip
