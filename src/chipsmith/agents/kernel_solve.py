"""One kernel-agent solve: set up (state, model, check, prompts), search, submit (see ``kernel.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chipsmith.agents.base import RunContext
from chipsmith.agents.evolve import EvolveState
from chipsmith.agents.kernel import STATE_FILE, KernelOptions, machine_line, remaining_budget, sizing
from chipsmith.benchmarks.task import Candidate, PublicView


def load_state(opts: KernelOptions, task: PublicView, backend: str, path: Path) -> EvolveState:
    """The saved evolve search of this work dir when it is the same search; else a fresh state."""
    old = EvolveState.load(path) if opts.search == "evolve" and opts.resume else None
    if old is not None and (old.task_id, old.backend, old.search) == (task.task_id, backend, opts.search):
        old.finished = ""  # its stop is judged again under this run's options
        return old
    return EvolveState.new(task.task_id, backend, opts.search, opts.islands if opts.search == "evolve" else 1)


def open_handle(
    opts: KernelOptions, ctx: RunContext, workdir: Path, state: EvolveState, settings: Any
) -> Any:
    from chipsmith.llm import Budget, Ledger, open_model

    left = remaining_budget(opts.budget, state.spent)
    return open_model(
        opts.model or ctx.model, settings=settings, agent="kernel", budget=Budget(**left) if left else None,
        cache=None if opts.cache else False, protocol=opts.protocol, temperature=opts.temperature,
        seed=ctx.seed, ledger=Ledger(workdir / "ledger.jsonl"),
    )  # fmt: skip


def run_solve(
    opts: KernelOptions, task: PublicView, ctx: RunContext, workdir: Path, handle: Any, observer: Any
) -> Candidate:
    from chipsmith.agents.kernel_check import KernelCheck
    from chipsmith.agents.kernel_examples import pick_examples
    from chipsmith.agents.kernel_search import Search
    from chipsmith.agents.tooling.toolkit import Toolkit
    from chipsmith.agents.workspace import Workspace
    from chipsmith.config import load_settings

    backend = opts.backend or ctx.backend or "cpp"
    opts = opts.model_copy(update={"backend": backend, "max_candidates": opts.candidates()})
    settings = load_settings(home=opts.home)
    workdir.mkdir(parents=True, exist_ok=True)
    state_path = workdir / STATE_FILE
    state = load_state(opts, task, backend, state_path)
    if handle is None:
        handle = open_handle(opts, ctx, workdir, state, settings)
    size = sizing(opts, handle.spec.kind == "local")
    opts = opts.model_copy(update={"section_chars": size["section_chars"]})
    reference = task.interface or task.spec
    check = KernelCheck(task.task_id, reference, backend, work=ctx.work, time_shapes=opts.time_shapes)
    machine, peaks = machine_line(backend)
    examples = pick_examples(
        task.task_id, ctx.category, reference, backend, size["examples"], size["example_chars"]
    )
    variables = {"spec": task.spec.strip(), "backend": backend, "machine": machine,
                 "examples": [e.model_dump() for e in examples]}  # fmt: skip
    toolkit = Toolkit(
        Workspace(workdir / "workspace"), names=[], settings=settings, charge=handle.charge_tool_call
    )
    search = Search(
        opts=opts, handle=handle, toolkit=toolkit, check=check, state=state, save=lambda s: s.save(state_path),
        variables=variables, shapes=check.shapes, peaks=peaks, seed=ctx.seed, observer=observer,
    )  # fmt: skip
    try:
        search.go()
    finally:
        toolkit.close()
    return candidate(task, backend, search, workdir, [e.task for e in examples], state_path)


def candidate(
    task: PublicView, backend: str, search: Any, workdir: Path, examples: list[str], state_path: Path
) -> Candidate:
    """The submission (best kernel, never a flagged one), its snapshots, usage and transcript."""
    state, handle = search.state, search.handle
    best = state.best_attempt()
    spent = state.spent
    info = {
        "model": handle.label, "notice": handle.notice, "real": handle.is_real, "search": state.search,
        "backend": backend, "stop_reason": search.stop, "stop_message": search.stop_message,
        "iterations": len(state.attempts), "model_calls": spent.model_calls, "cached_calls": spent.cached_calls,
        "tool_calls": 0, "input_tokens": spent.input_tokens, "output_tokens": spent.output_tokens,
        "cost_usd": spent.cost_usd, "wall_s": spent.wall_s, "harness_runs": spent.harness_runs,
        "best": best.id if best else None, "best_fitness": best.fitness if best else None,
        "best_speed": best.speed(state.eager_ms()) if best else None,
        "examples": examples, "shapes": search.shapes, "state": str(state_path),
    }  # fmt: skip
    t = search.transcript
    t.stop_reason, t.stop_message, t.iterations = search.stop, search.stop_message, len(state.attempts)
    t.usage = spent.model_dump()
    t.meta = {"agent": info, "attempts": [a.model_dump(exclude={"code"}) for a in state.attempts],
              "islands": [i.members for i in state.islands]}  # fmt: skip
    info["transcript"] = str(t.save(workdir / "transcript.json"))
    files = {"candidate.py": best.code} if best is not None and best.code else {}
    return Candidate(
        task_id=task.task_id, files=files, backend=backend, tokens=spent.input_tokens + spent.output_tokens,
        cost_usd=spent.cost_usd or 0.0, meta={"agent": info, "iterations": snapshots(state)},
    )  # fmt: skip


def snapshots(state: EvolveState) -> list[dict[str, Any]]:
    """Pure: per answer, its file and which answer was the best so far (what a stop there submits)."""
    out, best, eager = [], None, state.eager_ms()
    for a in state.attempts:
        if a.rank(eager)[0] >= 0 and (best is None or a.rank(eager) > best.rank(eager)):
            best = a
        out.append({
            "iteration": a.id, "files": {"candidate.py": a.code} if a.code else None,
            "own_check": a.verdict.failure_class if a.verdict else "no_code",
            "best": best.id if best is not None else a.id,
        })  # fmt: skip
    return out
