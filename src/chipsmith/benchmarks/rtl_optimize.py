"""The optimizer inside ``chipsmith bench run --optimize GOAL``: PPA of a design after a recipe
search, cached by content (the reference of a task is optimized once, like its plain PPA).

The search here reads no recipe history and records none, so a benchmark's figures do not depend
on what ran before it; the seed is fixed. A candidate and its reference get the same budget.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chipsmith._cache import JsonCache, content_key, files_key

CACHE_VERSION = 1
FIELDS = ("area_um2", "delay_ps", "power_w")
RATIOS = {"area": "area_um2", "delay": "delay_ps", "power": "power_w"}


def optimized_ppa(
    design: dict[str, bytes], top: str | None, *, goal: str, budget_s: float, sandbox: Any, cache_dir: Path
) -> dict[str, Any]:
    """Area, delay and power of the best proven recipe (or ``{"error": one line}``), cached."""
    if not top:
        return {"error": "the task names no top module to optimize"}
    key = content_key(CACHE_VERSION, "optimize", files_key(design), top, goal, budget_s)
    cache = JsonCache(cache_dir / "optimize")
    if (hit := cache.get(key)) is not None:
        return hit
    from chipsmith.tools.optimize.evaluate import OptimizeError
    from chipsmith.tools.optimize.run import OptimizeConfig, optimize

    cfg = OptimizeConfig(goal=goal, budget_s=budget_s, use_history=False, record_history=False)
    try:
        res = optimize(design, top=top, config=cfg, sandbox=sandbox)
    except OptimizeError as exc:
        return {"error": str(exc)}
    if res.best is None:
        return {"error": "no recipe result was proven equivalent"}
    best = res.best
    out = {"area_um2": best.area_um2, "delay_ps": best.delay_ps, "power_w": best.power_w, "recipe": best.key}
    cache.put(key, out)
    return out


def optimized_metrics(cand: dict[str, Any], ref: dict[str, Any]) -> dict[str, Any]:
    """Pure: ``opt_<field>``, ``opt_ref_<field>`` and ``opt_<key>_ratio`` (candidate / reference)."""
    if "error" in cand or "error" in ref:
        side = "candidate" if "error" in cand else "reference"
        return {"opt_error": f"{side}: {(cand if 'error' in cand else ref)['error']}"}
    out: dict[str, Any] = {}
    for field in FIELDS:
        out[f"opt_{field}"], out[f"opt_ref_{field}"] = cand.get(field), ref.get(field)
    for name, field in RATIOS.items():
        c, r = cand.get(field), ref.get(field)
        if isinstance(c, int | float) and isinstance(r, int | float) and c > 0 and r > 0:
            out[f"opt_{name}_ratio"] = c / r
    return out
