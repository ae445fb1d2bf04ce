"""The benchmark runner: expand (task, sample) jobs, skip what is recorded, run, append, summarize.

Results go to ``<home>/runs/<run-id>/results.jsonl`` (one line per finished sample, see
``results.py``) next to ``run.json`` (what the run is: suite, agent, model, tool versions). A rerun
with the same run id resumes: recorded (task, sample) pairs are skipped.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from chipsmith.agents.base import RunContext
from chipsmith.benchmarks.executors import ExecutorError
from chipsmith.benchmarks.jobs import AgentSpec, EvalJob, EvalOutcome, SolveJob, SolveOutcome, WorkItem
from chipsmith.benchmarks.metrics import RunSummary, summarize
from chipsmith.benchmarks.results import ResultStore, RunRecord
from chipsmith.benchmarks.run_budget import RunBudget, RunSpend, reached
from chipsmith.benchmarks.spec_levels import DEFAULT_LEVEL, SpecLevel, at_level
from chipsmith.benchmarks.suites_api import load_suite, select_tasks
from chipsmith.benchmarks.task import Candidate, Task


class RunnerError(RuntimeError):
    """A run that cannot start or continue; the message is one line for the user."""


class RunConfig(BaseModel):
    """One `chipsmith bench run`."""

    suite: str
    agent: str
    model: str | None = None
    samples: int = 1
    jobs: int = 1
    run_id: str | None = None
    executor: str = "local"
    ray_address: str | None = None
    sandbox: str | None = None
    backend: str | None = None
    """Kernel tasks: the backend candidates target."""
    tasks: str | None = None
    """Glob(s) over task ids, comma-separated."""
    home: Path = Path(".chipsmith")
    ppa: bool = True
    ppa_timeout_s: float = 300
    """Limit for one synthesis run; past it the sample keeps its verdict and gets a ppa_error."""
    agent_options: dict[str, Any] = Field(default_factory=dict)
    samples_per_task: dict[str, int] | None = None
    """`bench score`: how many samples each task has (overrides ``samples``; tasks absent are skipped)."""
    spec_level: SpecLevel = DEFAULT_LEVEL
    """Which spec the agent sees: the suite's detailed one or the high-level one (chipsmith-rtl)."""
    budget: dict[str, Any] = Field(default_factory=dict)
    """LLM agents: the budget of each solve (``llm.Budget`` fields); part of the run's identity."""
    protocol: str | None = None
    """LLM agents: the tool protocol (native | text), None for the model's default."""
    cache: bool = True
    """LLM agents: reuse cached replies (not part of the identity: results do not depend on it)."""
    optimize: str | None = None
    """RTL tasks: goal of a recipe search on correct candidates and the reference (``--optimize``)."""
    optimize_budget_s: float = 30
    run_budget: RunBudget = Field(default_factory=RunBudget)
    """LLM agents: what the whole run may spend (``run_budget.py``); not part of the identity."""


# What must match for a rerun to resume a run rather than mix two different ones.
IDENTITY = (
    "suite",
    "agent",
    "model",
    "tasks",
    "backend",
    "agent_options",
    "spec_level",
    "budget",
    "protocol",
    "optimize",
    "optimize_budget_s",
)
# Identity fields added after runs were recorded: what a run.json without them meant.
IDENTITY_DEFAULTS: dict[str, Any] = {
    "spec_level": DEFAULT_LEVEL,
    "budget": {},
    "protocol": None,
    "optimize": None,
    "optimize_budget_s": 30,
}


def default_run_id(cfg: RunConfig) -> str:
    suite = re.sub(r"[^A-Za-z0-9_.-]+", "_", cfg.suite.split(":")[0])
    return f"{suite}-{cfg.agent}-{time.strftime('%Y%m%d-%H%M%S')}"


def run_dir(home: Path, run_id: str) -> Path:
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", run_id) or run_id in (".", ".."):
        raise RunnerError(f"run id {run_id!r}: use letters, digits, '.', '_' and '-'")
    return home / "runs" / run_id


def tool_versions(cache_dir: Path | None = None) -> dict[str, str]:
    """First version line of each simulation/synthesis tool (once per run). With ``cache_dir`` a
    found version is remembered per binary file (path, size, mtime, inode): asking the four tools
    cost ~0.25 s of each run here, and a replaced binary is asked again."""
    from chipsmith._cache import JsonCache
    from chipsmith.doctor import BINARIES, check_binary

    wanted = {"iverilog", "verilator", "yosys", "sta"}
    cache = JsonCache(cache_dir / "tool-versions") if cache_dir is not None else None
    out = {}
    for name, cmd, disables in BINARIES:
        if name not in wanted:
            continue
        key = _binary_key(cmd)
        if cache is not None and key and (hit := cache.get(key)) is not None:
            out[name] = str(hit["version"])
            continue
        out[name] = check_binary(name, cmd, disables).version or "missing"
        if cache is not None and key and out[name] != "missing":
            cache.put(key, {"version": out[name]})
    return out


def _binary_key(cmd: list[str]) -> str | None:
    """A cache key for a version command: the binary's resolved path and file identity (None: not found)."""
    import shutil

    from chipsmith._cache import content_key

    path = shutil.which(cmd[0])
    if path is None:
        return None
    real = os.path.realpath(path)
    st = os.stat(real)
    return content_key("tool-version", cmd, real, st.st_size, st.st_mtime_ns, st.st_ino)


def _manifest(cfg: RunConfig, run_id: str, directory: Path) -> dict[str, Any]:
    """Write run.json on first start; on resume, refuse a run that is not the same work."""
    path = directory / "run.json"
    mine = {k: getattr(cfg, k) for k in IDENTITY}
    if path.exists():
        try:
            old = json.loads(path.read_text())
        except ValueError as exc:
            raise RunnerError(f"{path} is not valid JSON; use another --run-id") from exc
        diff = [k for k in IDENTITY if old.get(k, IDENTITY_DEFAULTS.get(k)) != mine[k]]
        if diff:
            raise RunnerError(f"run {run_id} was started with other {', '.join(diff)}; use another --run-id")
        return dict(old)
    versions = tool_versions(cfg.home / "cache" / "bench")
    manifest = {**mine, "run_id": run_id, "started": time.time(), "tool_versions": versions}
    directory.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(manifest, indent=2))
    os.replace(tmp, path)  # a kill mid-write leaves no half manifest
    return manifest


def _factory(cfg: RunConfig) -> Any:
    """The agent class the run names (a one-line RunnerError for an unknown name)."""
    from chipsmith.registry import AGENTS, UnknownNameError

    try:
        return AGENTS.get(cfg.agent)
    except UnknownNameError as exc:
        raise RunnerError(str(exc)) from exc


def _agent_spec(cfg: RunConfig, task: Task) -> AgentSpec:
    """The agent's options; an oracle control gets this task's reference candidate, built here."""
    factory = _factory(cfg)
    options = dict(cfg.agent_options)
    if getattr(factory, "uses_model", False):
        llm = {"model": cfg.model, "budget": cfg.budget or None, "protocol": cfg.protocol, "cache": cfg.cache}
        options.update({"home": str(cfg.home), **{k: v for k, v in llm.items() if v is not None}})
    if getattr(factory, "needs_oracle", False):
        options["oracle"] = {task.id: factory.oracle(task).model_dump()}
    return AgentSpec(name=cfg.agent, options=options)


def plan(
    cfg: RunConfig, tasks: list[Task], done: set[tuple[str, int]], work_root: Path | None = None
) -> list[WorkItem]:
    """Work items for every (task, sample) not yet recorded; an agent that keeps files (workspace,
    transcript) gets ``work_root/<task>/s<sample>`` as its work dir."""
    items = []
    for task in tasks:
        n = cfg.samples if cfg.samples_per_task is None else cfg.samples_per_task.get(task.id, 0)
        todo = [s for s in range(n) if (task.id, s) not in done]
        if not todo:
            continue
        spec = _agent_spec(cfg, task)
        for s in todo:
            workdir = work_root / task.id / f"s{s}" if work_root is not None else None
            ctx = RunContext(
                sample=s,
                seed=s,
                model=cfg.model,
                backend=cfg.backend,
                category=task.category,
                work=task.hidden.settings.get("work") if task.kind == "kernel" else None,
                workdir=workdir,
            )
            solve = SolveJob(agent=spec, public=task.public, ctx=ctx)
            ev = EvalJob(
                task=task,
                sandbox=cfg.sandbox,
                cache_dir=cfg.home / "cache" / "bench",
                ppa=cfg.ppa,
                ppa_timeout_s=cfg.ppa_timeout_s,
                optimize=cfg.optimize,
                optimize_budget_s=cfg.optimize_budget_s,
                evaluator=getattr(_factory(cfg), "evaluator", None),
            )
            items.append(WorkItem(task_id=task.id, sample=s, solve=solve, eval=ev))
    return items


def make_record(
    cfg: RunConfig,
    run_id: str,
    versions: dict[str, str],
    task: Task,
    item: WorkItem,
    so: SolveOutcome,
    eo: EvalOutcome,
) -> RunRecord:
    cand = so.candidate
    return RunRecord(
        **agent_fields(cand, eo),
        run_id=run_id,
        task=task.id,
        suite=task.suite,
        kind=task.kind,
        category=task.category,
        subcategory=task.subcategory,
        difficulty=task.difficulty,
        agent=cfg.agent,
        model=cfg.model,
        spec_level=cfg.spec_level,
        sample=item.sample,
        verdict=eo.result.verdict,
        failure_class=eo.result.failure_class,
        message=eo.result.message[:2000],
        metrics=eo.result.metrics,
        solve_s=round(so.solve_s, 4),
        eval_s=round(eo.eval_s, 4),
        finished_at=time.time(),
        tool_versions=versions,
    )


def agent_fields(cand: Candidate | None, eo: EvalOutcome) -> dict[str, Any]:
    """Pure: tokens, cost and the LLM agent's usage, stop reason and per-iteration verdicts."""
    info = cand.meta.get("agent") if cand is not None else None
    out: dict[str, Any] = {"tokens": cand.tokens if cand else 0, "cost_usd": cand.cost_usd if cand else 0.0}
    if not isinstance(info, dict):
        return out
    keys = ("model_calls", "cached_calls", "tool_calls", "iterations", "input_tokens", "output_tokens")
    out |= {k: info[k] for k in keys if isinstance(info.get(k), int)}
    out["cost_usd"] = info["cost_usd"] if isinstance(info.get("cost_usd"), int | float) else None
    out["model_label"] = str(info.get("model") or "") or None
    out["model_real"] = info.get("real") if isinstance(info.get("real"), bool) else None
    out["stop_reason"] = str(info.get("stop_reason") or "") or None
    out["transcript"] = str(info.get("transcript") or "") or None
    out["iteration_verdicts"] = eo.iterations
    out["agent_report"] = info["report"] if isinstance(info.get("report"), dict) else None
    return out


Progress = Callable[[RunRecord, int, int], None]


def run_benchmark(
    cfg: RunConfig, progress: Progress | None = None, on_start: Callable[[int, int], None] | None = None
) -> RunSummary:
    """Run (or resume) ``cfg``; returns the summary of every record of the run."""
    from chipsmith.registry import EXECUTORS, UnknownNameError

    tasks = select_tasks(load_suite(cfg.suite), cfg.tasks)
    if not tasks:
        raise RunnerError(f"no task of {cfg.suite} matches {cfg.tasks!r}")
    tasks = at_level(tasks, cfg.spec_level, cfg.suite)
    run_id = cfg.run_id or default_run_id(cfg)
    directory = run_dir(cfg.home, run_id)
    try:
        executor = EXECUTORS.get(cfg.executor)(jobs=cfg.jobs, address=cfg.ray_address)
    except UnknownNameError as exc:
        raise RunnerError(str(exc)) from exc
    _check_run_budget_price(cfg)
    if not cfg.run_budget.unlimited and "should_stop" not in inspect.signature(executor.execute).parameters:
        raise RunnerError(f"executor {cfg.executor!r} cannot stop on a run budget; drop --run-budget-*")
    manifest = _manifest(cfg, run_id, directory)
    store = ResultStore(directory / "results.jsonl")
    store.open_for_append()
    spend = RunSpend.of(store.read())
    if why := reached(cfg.run_budget, spend):
        raise RunnerError(f"{why}; nothing started (rerun with a higher run budget to continue)")
    # Absolute: Ray workers need not share the driver's working directory (a cluster needs shared storage).
    items = plan(cfg, tasks, store.done_keys(), work_root=directory.resolve() / "agents")
    by_id = {t.id: t for t in tasks}
    total, finished = len(items), 0
    if on_start:
        on_start(total, len(store.done_keys()))

    def on_done(item: WorkItem, so: SolveOutcome, eo: EvalOutcome) -> None:
        nonlocal finished
        record = make_record(cfg, run_id, manifest["tool_versions"], by_id[item.task_id], item, so, eo)
        store.append(record)
        spend.add(record)
        finished += 1
        if progress:
            progress(record, finished, total)

    def should_stop() -> bool:
        return reached(cfg.run_budget, spend) is not None

    try:
        if cfg.run_budget.unlimited:
            executor.execute(items, on_done)
        else:
            executor.execute(items, on_done, should_stop=should_stop)
    except ExecutorError as exc:
        raise RunnerError(f"{exc}; rerun with --run-id {run_id} to resume") from exc
    summary = summarize(store.read(), run_id)
    if (why := reached(cfg.run_budget, spend)) and finished < total:
        summary.stopped = f"{why}; {total - finished} samples not started (rerun with --run-id {run_id} and a higher run budget to continue)"
    return summary


def _check_run_budget_price(cfg: RunConfig) -> None:
    """A USD run budget needs the model's price: refuse before anything starts when it is unknown."""
    if cfg.run_budget.max_usd is None or not cfg.model:
        return
    from chipsmith.config import load_settings
    from chipsmith.llm.errors import LLMError
    from chipsmith.llm.prices import DEFAULT_PRICES, price_for
    from chipsmith.llm.spec import parse_spec

    try:
        spec = parse_spec(cfg.model)
    except LLMError as exc:
        raise RunnerError(str(exc)) from exc
    if price_for(spec, {**DEFAULT_PRICES, **load_settings().llm_prices}) is None:
        raise RunnerError(
            f"--run-budget-usd: the price of {cfg.model} is unknown; add it to llm_prices in chipsmith.toml"
        )


def load_run(home: Path, run: str) -> tuple[str, list[RunRecord]]:
    """A run's records, by run id (under ``home/runs``) or by a path to its dir or results file."""
    path = Path(run)
    if path.is_dir():
        path = path / "results.jsonl"
    if not path.is_file():
        path = run_dir(home, run) / "results.jsonl"
    if not path.is_file():
        raise RunnerError(f"no results for run {run!r} (looked for {path})")
    return path.parent.name, ResultStore(path).read()
