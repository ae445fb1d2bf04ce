#!/usr/bin/env python3
"""QoR benchmark of ``chipsmith optimize`` over the chipsmith-rtl references.

For each library (the bundled one, then every ``--liberty`` given, e.g. ASAP7) and each reference:
the default flow (yosys ``synth`` + ABC's default liberty mapping, i.e. ``chipsmith synth``), the
four fixed scripts (resyn2, dch, compress2rs, &-style; each on the default yosys flow), and the
optimizer with ``--budget`` seconds of search (pass 1, recipe history starting empty under
``OUT/home`` and growing design by design). Pass 2 reruns the optimizer on every design whose pass
1 found a proven result, with the grown history, stopping as soon as it matches pass 1's score,
and counts the evaluations it needed. Writes ``OUT/qor.json`` and ``OUT/qor.md``.

    .venv/bin/python scripts/bench_qor.py --liberty tests/data/external/asap7/asap7sc7p5t_rvt_TT_merged.lib.gz \
        [--budget 60] [--jobs 2] [--tasks GLOB] [--out bench-out/qor] [--no-pass2]
    .venv/bin/python scripts/bench_qor.py --compare-strategies --evaluations 30 --tasks 'alu8,mac8,...'
    .venv/bin/python scripts/bench_qor.py --scaling --evaluations 24 --tasks 'alu8,...'
    .venv/bin/python scripts/bench_qor.py --leave-one-out --out bench-out/qor [--liberty ...] [--tasks ...]

Other work on the machine slows every evaluation and so shrinks what a fixed time budget buys:
the script records ``os.getloadavg()`` before and after each library.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from chipsmith.benchmarks.suites_api import load_suite, select_tasks
from chipsmith.sandbox.local import LocalSandbox
from chipsmith.tools.optimize.evaluate import Design, OptimizeError, evaluate, prepare_library
from chipsmith.tools.optimize.recipe import DEFAULT
from chipsmith.tools.optimize.run import OptimizeConfig, optimize
from chipsmith.tools.optimize.space import FIXED


def designs(pattern: str | None) -> list[tuple[str, Design, str]]:
    """(task id, design, reset input or "auto") for every chipsmith-rtl reference."""
    out = []
    for task in select_tasks(load_suite("chipsmith-rtl"), pattern):
        ref, top = task.hidden.reference or "", task.public.top
        if not top:  # every chipsmith-rtl task names its top; a task without one has nothing to map
            continue
        src = task.hidden.files[ref]
        out.append(
            (
                task.id,
                Design(sources={f"{task.id}.v": src}, top=top),
                task.hidden.settings.get("reset", "auto"),
            )
        )
    return out


def fixed_row(design: Design, lib: Any, sandbox: LocalSandbox, period: float) -> dict[str, Any]:
    """ADP and figures of the default flow and of each fixed script (same evaluation function)."""
    base = evaluate(
        DEFAULT,
        design,
        lib,
        index=0,
        clock_period_ps=period,
        ref_delay_ps=None,
        sandbox=sandbox,
        timeout_s=300,
    )
    row: dict[str, Any] = {"default": _ppa(base)}
    for name, genome in FIXED.items():
        ev = evaluate(
            genome.recipe(),
            design,
            lib,
            index=0,
            clock_period_ps=period,
            ref_delay_ps=base.delay_ps,
            sandbox=sandbox,
            timeout_s=300,
        )
        row[name] = _ppa(ev)
    return row


def _ppa(ev: Any) -> dict[str, Any]:
    if not ev.ok:
        return {"error": ev.error}
    return {"area": ev.area_um2, "delay": ev.delay_ps, "power": ev.power_w, "adp": ev.area_um2 * ev.delay_ps}


def evals_to(trace: list[Any], target: float) -> int | None:
    """Evaluations finished (the default flow included) when a score first reached ``target``."""
    return next(
        (pos + 1 for pos, (_i, _t, s) in enumerate(trace) if s is not None and s <= target * (1 + 1e-9)), None
    )


def optimized_row(result: Any) -> dict[str, Any]:
    best = result.best
    return {
        "proven": best is not None,
        "area": best.area_um2 if best else None,
        "delay": best.delay_ps if best else None,
        "power": best.power_w if best else None,
        "adp": best.adp if best else None,
        "score": best.score if best else None,
        "recipe": best.key if best else None,
        "reached_at": evals_to(result.trace, best.score) if best else None,
        "evaluations": result.evaluations,
        "evals_per_s": result.evals_per_s,
        "search_s": result.search_wall_s,
        "verify_s": result.verify_wall_s,
        "equivalence": result.equivalence.model_dump(),
        "history_seeds": result.history_seeds,
        "front": len(result.front),
    }


def run_library(args: argparse.Namespace, lib_path: Path | None, out: Path) -> dict[str, Any]:
    sandbox = LocalSandbox()
    lib = prepare_library([lib_path] if lib_path else None, sandbox)
    home = out / "home" / lib.digest
    rows: dict[str, Any] = {}
    load_before = os.getloadavg()
    for task_id, design, reset in designs(args.tasks):
        t0 = time.monotonic()
        row = fixed_row(design, lib, sandbox, args.clock_period)
        cfg = OptimizeConfig(
            budget_s=args.budget,
            jobs=args.jobs,
            clock_period_ps=args.clock_period,
            reset=reset,
            seed=args.seed,
        )
        try:
            res = optimize(
                design.sources,
                top=design.top,
                liberty=_libs(lib_path),
                config=cfg,
                home=home,
                sandbox=sandbox,
            )
            row["optimized"] = optimized_row(res)
        except OptimizeError as exc:
            row["optimized"] = {"proven": False, "adp": None, "error": str(exc), "evaluations": 0, "evals_per_s": 0.0,
                                "search_s": 0.0, "verify_s": 0.0, "equivalence": {"proven": 0, "failed": 0, "unknown": 0}}  # fmt: skip
        row["wall_s"] = round(time.monotonic() - t0, 1)
        rows[task_id] = row
        _progress(lib.label, task_id, row)
    if not args.no_pass2:
        for task_id, design, reset in designs(args.tasks):
            rows[task_id]["pass2"] = pass2(args, rows[task_id], design, reset, lib_path, home, sandbox)
    return {"library": lib.label, "load_before": load_before, "load_after": os.getloadavg(), "rows": rows}


def pass2(
    args: argparse.Namespace,
    row: dict[str, Any],
    design: Design,
    reset: str,
    lib_path: Path | None,
    home: Path,
    sandbox: LocalSandbox,
) -> dict[str, Any] | None:
    """Evaluations the history-seeded search needs to reach pass 1's proven score."""
    first = row["optimized"]
    if not first["proven"]:
        return None
    cfg = OptimizeConfig(
        budget_s=args.budget, jobs=args.jobs, clock_period_ps=args.clock_period, reset=reset, seed=args.seed + 1,
        target_score=first["score"] * (1 + 1e-9), record_history=False,
    )  # fmt: skip
    try:
        res = optimize(
            design.sources, top=design.top, liberty=_libs(lib_path), config=cfg, home=home, sandbox=sandbox
        )
    except OptimizeError as exc:
        return {"error": str(exc), "evaluations_to_target": None}
    hit = evals_to(res.trace, first["score"])
    return {
        "evaluations_to_target": hit,
        "evaluations": res.evaluations,
        "pass1_reached_at": first["reached_at"],
        "history_seeds": res.history_seeds,
    }


def leave_one_out(args: argparse.Namespace) -> dict[str, Any]:
    """Pass 2 again, each design seeded by a history WITHOUT its own records (only the other
    designs' recipes), from a finished run's ``OUT/qor.json`` and ``OUT/home``: does retrieval
    generalize, or does pass 2 only recall the design's own best recipe?"""
    sandbox = LocalSandbox()
    done = json.loads((args.out / "qor.json").read_text())
    paths = {p.name: p for p in args.liberty}
    out: dict[str, Any] = {"libraries": []}
    for lib_result in done["libraries"]:
        lib_path = paths.get(lib_result["library"])
        lib = prepare_library([lib_path] if lib_path else None, sandbox)
        lines = (args.out / "home" / lib.digest / "optimizer" / "recipes.jsonl").read_text().splitlines()
        rows: dict[str, Any] = {}
        for task_id, design, reset in designs(args.tasks):
            if task_id not in lib_result["rows"]:
                continue
            home = args.out / "loo" / lib.digest / task_id
            (home / "optimizer").mkdir(parents=True, exist_ok=True)
            others = [ln for ln in lines if json.loads(ln).get("design") != task_id]
            (home / "optimizer" / "recipes.jsonl").write_text("".join(ln + "\n" for ln in others))
            rows[task_id] = pass2(args, lib_result["rows"][task_id], design, reset, lib_path, home, sandbox)
            print(f"[{lib.label}] leave-one-out {task_id}: {rows[task_id]}", flush=True)
        out["libraries"].append({"library": lib.label, "rows": rows, "load": os.getloadavg()})
    return out


def _libs(lib_path: Path | None) -> list[Path] | None:
    return [lib_path] if lib_path else None


def _progress(label: str, task_id: str, row: dict[str, Any]) -> None:
    opt, base = row["optimized"], row["default"].get("adp")
    change = f"{(opt['adp'] / base - 1) * 100:+.1f}%" if opt["adp"] and base else "no proven result"
    print(f"[{label}] {task_id}: ADP {change}, {opt['evaluations']} evals, {row['wall_s']} s", flush=True)


def summarize(lib_result: dict[str, Any]) -> dict[str, Any]:
    """Mean ADP change vs default (a design with no proven result keeps the default: 0%), vs the
    best single fixed script chosen after the fact, pass-2 evaluation ratio."""
    rows = [r for r in lib_result["rows"].values() if "adp" in r["default"]]

    def ratio(r: dict[str, Any]) -> float:
        return (r["optimized"]["adp"] / r["default"]["adp"]) if r["optimized"]["adp"] else 1.0

    opt_ratios = [ratio(r) for r in rows]
    fixed_means = {
        n: statistics.mean(r[n]["adp"] / r["default"]["adp"] if "adp" in r[n] else 1.0 for r in rows)
        for n in FIXED
    }
    best_fixed = min(fixed_means, key=lambda n: fixed_means[n])
    vs_fixed = [
        ratio(r) / (r[best_fixed]["adp"] / r["default"]["adp"] if "adp" in r[best_fixed] else 1.0)
        for r in rows
    ]
    p2 = [r["pass2"] for r in rows if r.get("pass2") and r["pass2"]["evaluations_to_target"]]
    eq = {k: sum(r["optimized"]["equivalence"][k] for r in rows) for k in ("proven", "failed", "unknown")}
    return {
        "designs": len(rows),
        "proven_designs": sum(r["optimized"]["proven"] for r in rows),
        "mean_adp_reduction_vs_default": 1 - statistics.mean(opt_ratios),
        "fixed_mean_adp_ratio": fixed_means,
        "best_fixed_script": best_fixed,
        "mean_adp_reduction_vs_best_fixed": 1 - statistics.mean(vs_fixed),
        "pass2_mean_evaluations": statistics.mean(p["evaluations_to_target"] for p in p2) if p2 else None,
        "pass1_mean_evaluations_to_best": statistics.mean(p["pass1_reached_at"] for p in p2) if p2 else None,
        "pass2_designs": len(p2),
        "equivalence": eq,
        "mean_evals_per_s": statistics.mean(r["optimized"]["evals_per_s"] for r in rows),
        "mean_search_s": statistics.mean(r["optimized"]["search_s"] for r in rows),
        "mean_verify_s": statistics.mean(r["optimized"]["verify_s"] for r in rows),
    }


def markdown(result: dict[str, Any]) -> str:
    lines = []
    for lib in result["libraries"]:
        s = lib["summary"]
        lines += [
            f"### {lib['library']}",
            "",
            f"load average before/after: {lib['load_before']} / {lib['load_after']}",
            "",
        ]
        lines += ["| design | default ADP | " + " | ".join(FIXED) + " | optimized ADP | change | proven | evals | pass 2 evals |",
                  "|---|---|" + "---|" * len(FIXED) + "---|---|---|---|---|"]  # fmt: skip
        for tid, r in lib["rows"].items():
            base = r["default"].get("adp")
            fixed = [f"{r[n]['adp'] / base:.3f}" if base and "adp" in r[n] else "err" for n in FIXED]
            opt = r["optimized"]
            change = f"{(opt['adp'] / base - 1) * 100:+.1f}%" if opt["adp"] and base else "kept default"
            p2 = (r.get("pass2") or {}).get("evaluations_to_target")
            lines.append(f"| {tid} | {base:.1f} | " + " | ".join(fixed) + f" | {opt['adp'] or 0:.1f} | {change} | "
                         f"{'yes' if opt['proven'] else 'no'} | {opt['evaluations']} | {p2 if p2 else '-'} |")  # fmt: skip
        lines += ["", "```", json.dumps(s, indent=2), "```", ""]
    return "\n".join(lines)


def compare_strategies(args: argparse.Namespace, out: Path) -> dict[str, Any]:
    """evolve vs random on the same designs and evaluation count, without history; the score of
    each run is its proven best (the final verification proves in goal order until one holds)."""
    sandbox = LocalSandbox()
    lib_path = args.liberty[0] if args.liberty else None
    res: dict[str, Any] = {}
    for task_id, design, reset in designs(args.tasks):
        for strat in ("evolve", "random"):
            for seed in range(args.seeds):
                cfg = OptimizeConfig(budget_s=10_000, max_evaluations=args.evaluations, jobs=args.jobs, strategy=strat,
                                     seed=seed, reset=reset, use_history=False, record_history=False, max_front=0)  # fmt: skip
                r = optimize(
                    design.sources,
                    top=design.top,
                    liberty=[lib_path] if lib_path else None,
                    config=cfg,
                    sandbox=sandbox,
                )
                # Proven results only: an unproven best counts as the default flow (ratio 1).
                res.setdefault(task_id, {}).setdefault(strat, []).append(
                    r.best.score / r.baseline.score if r.best else 1.0
                )
                print(task_id, strat, seed, res[task_id][strat][-1], flush=True)
    means = {s: statistics.mean(statistics.mean(v[s]) for v in res.values()) for s in ("evolve", "random")}
    return {
        "evaluations": args.evaluations,
        "seeds": args.seeds,
        "per_design": res,
        "mean_best_adp_ratio": means,
        "load": os.getloadavg(),
    }


def scaling(args: argparse.Namespace) -> dict[str, Any]:
    """Evaluations per second with --jobs 1 and 2 for the same evaluation count."""
    sandbox = LocalSandbox()
    out: dict[str, Any] = {}
    for jobs in (1, 2):
        t0, n = time.monotonic(), 0
        for _task_id, design, reset in designs(args.tasks):
            cfg = OptimizeConfig(budget_s=10_000, max_evaluations=args.evaluations, jobs=jobs, reset=reset,
                                 use_history=False, record_history=False, max_front=0)  # fmt: skip
            r = optimize(design.sources, top=design.top, config=cfg, sandbox=sandbox)
            n += r.evaluations
        wall = time.monotonic() - t0
        out[f"jobs{jobs}"] = {
            "evaluations": n,
            "wall_s": round(wall, 1),
            "evals_per_s": round(n / wall, 3),
            "load": os.getloadavg(),
        }
        print(jobs, out[f"jobs{jobs}"], flush=True)
    return out


def equiv_engines(args: argparse.Namespace) -> dict[str, Any]:
    """Both equivalence engines on the default flow's netlist of every reference."""
    from chipsmith.tools.equivalence import EquivError, check_equivalence

    sandbox = LocalSandbox()
    lib_path = args.liberty[0] if args.liberty else None
    lib = prepare_library([lib_path] if lib_path else None, sandbox)
    out: dict[str, Any] = {"library": lib.label, "timeout_s": args.equiv_timeout, "rows": {}}
    for task_id, design, reset in designs(args.tasks):
        ev = evaluate(
            DEFAULT,
            design,
            lib,
            index=0,
            clock_period_ps=args.clock_period,
            ref_delay_ps=None,
            sandbox=sandbox,
            timeout_s=300,
        )
        row: dict[str, Any] = {}
        for engine in ("sat", "abc"):
            try:
                r = check_equivalence(design.sources, {"netlist.v": (ev.netlist or "").encode()}, top=design.top, gate_liberty=lib.text,
                                      engine=engine, reset=reset, timeout_s=args.equiv_timeout, sandbox=sandbox)  # fmt: skip
                row[engine] = {"equivalent": r.equivalent, "method": r.method, "wall_s": r.wall_s}
            except EquivError as exc:
                row[engine] = {"equivalent": None, "method": "error", "error": str(exc), "wall_s": None}
        out["rows"][task_id] = row
        print(task_id, row, flush=True)
    for engine in ("sat", "abc"):
        verdicts = [r[engine]["equivalent"] for r in out["rows"].values()]
        out[engine] = {
            "proven": verdicts.count(True),
            "different": verdicts.count(False),
            "unknown": verdicts.count(None),
        }
    out["load"] = os.getloadavg()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--liberty", type=Path, action="append", default=[], help="extra library (e.g. ASAP7)")
    ap.add_argument("--budget", type=float, default=60.0)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--clock-period", type=float, default=1000.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--tasks", default=None, help="glob(s) over task ids, comma-separated")
    ap.add_argument("--out", type=Path, default=Path("bench-out/qor"))
    ap.add_argument("--no-pass2", action="store_true")
    ap.add_argument("--no-bundled", action="store_true", help="skip the bundled library")
    ap.add_argument("--compare-strategies", action="store_true")
    ap.add_argument("--scaling", action="store_true")
    ap.add_argument("--evaluations", type=int, default=30)
    ap.add_argument("--seeds", type=int, default=2)
    ap.add_argument("--equiv-engines", action="store_true", help="compare the SAT and ABC engines")
    ap.add_argument("--equiv-timeout", type=float, default=120.0)
    ap.add_argument("--leave-one-out", action="store_true",
                    help="pass 2 again on a finished --out, each design without its own history records")  # fmt: skip
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.leave_one_out:
        (args.out / "loo.json").write_text(json.dumps(leave_one_out(args), indent=2))
        return 0
    if args.compare_strategies:
        (args.out / "strategies.json").write_text(json.dumps(compare_strategies(args, args.out), indent=2))
        return 0
    if args.equiv_engines:
        (args.out / "equiv_engines.json").write_text(json.dumps(equiv_engines(args), indent=2))
        return 0
    if args.scaling:
        (args.out / "scaling.json").write_text(json.dumps(scaling(args), indent=2))
        return 0
    libs: list[Path | None] = ([] if args.no_bundled else [None]) + list(args.liberty)
    result: dict[str, Any] = {"budget_s": args.budget, "jobs": args.jobs, "libraries": []}
    for lib_path in libs:
        lib_result = run_library(args, lib_path, args.out)
        lib_result["summary"] = summarize(lib_result)
        result["libraries"].append(lib_result)
        (args.out / "qor.json").write_text(json.dumps(result, indent=2))
        (args.out / "qor.md").write_text(markdown(result))
        print(json.dumps(lib_result["summary"], indent=2), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
