"""The kernel agent's three searches over one model handle, one harness check and one state.

- ``single``: independent first answers to the task prompt (no feedback; ``max_candidates`` of
  them, 1 by default: the one-shot baseline; more is best-of-N).
- ``repair``: one conversation; after each answer the harness's verdict in full is the next user
  message, also once the kernel is correct (then: make it faster), like the RTL agent's loop.
- ``evolve``: a population per island (``evolve.py``); each request is a fresh conversation with
  the task and the parent kernels (code, timings, roofline), one answer each.

All three stop at ``max_candidates`` answers, at the budget (model calls, tokens, USD, wall time),
on a model error, or once a correct kernel has had ``patience`` answers without a faster one (the
kernel sub-agent's stop rule in DESIGN.md); every answer goes through the full harness.
"""

from __future__ import annotations

import time
from typing import Any

from chipsmith.agents.evolve import Attempt, EvolveState, Operation, Origin, Spent, step_rng, summary_of
from chipsmith.agents.kernel_feedback import instruction, sections, timing_line
from chipsmith.agents.kernel_reply import kernel_code
from chipsmith.agents.runtime import AgentDef, AgentRuntime, Observation, RunResult
from chipsmith.agents.transcript import Transcript, record_message

_ENDS = ("budget", "model_error", "agent_error")
"""Run stop reasons that end the whole search."""


class KernelChecker:
    """The runtime's stop rule for one run: salvage the file, check it, record it, say what next."""

    def __init__(self, search: Search, op: Operation, chain: bool) -> None:
        self.search, self.op, self.chain = search, op, chain
        """``chain``: later answers of this run repair/improve the previous one (repair mode)."""

    def check(self, reply: Any, text: str, iteration: int) -> Observation:
        s = self.search
        attempt = s.examine(text, self.op)
        if self.chain:  # the next answer of this conversation builds on this one
            kind: Origin = "improve" if attempt.correct else "repair"
            self.op = Operation(kind=kind, parents=[attempt.id], island=self.op.island)
        reason = s.stop_reason()
        return Observation(
            stop=bool(reason), reason=reason, feedback=s.feedback(attempt), summary=attempt.summary
        )


class Search:
    """One solve's search: see the module docstring. ``variables`` render the task prompt."""

    def __init__(self, *, opts: Any, handle: Any, toolkit: Any, check: Any, state: EvolveState,
                 save: Any, variables: dict[str, Any], shapes: list[dict[str, Any]],
                 peaks: dict[str, Any] | None, seed: int, observer: Any = None) -> None:  # fmt: skip
        self.opts, self.handle, self.toolkit, self.check = opts, handle, toolkit, check
        self.state, self.save, self.variables = state, save, variables
        self.shapes, self.peaks, self.seed, self.observer = shapes, peaks, seed, observer
        self.transcript = Transcript(agent="kernel", model=handle.label, notice=handle.notice)
        self.stop = ""
        self.stop_message = ""
        self.cannot_run = False
        self._spent0 = state.spent.model_copy()
        self._first_record = len(handle.ledger.records)
        self._t0 = time.monotonic()

    # ------------------------------------------------------------------ one answer
    def examine(self, text: str, op: Operation) -> Attempt:
        """Salvage, check and record one answer (saved at once)."""
        found = kernel_code(text, self.state.backend)
        attempt = Attempt(
            id=self.state.next_id(), origin=op.kind, parents=list(op.parents), island=op.island,
            code=found.code, problem=found.problem,
        )  # fmt: skip
        same = next(
            (a for a in self.state.attempts if found.code and a.code == found.code and a.verdict), None
        )
        if same is not None:  # the very same file again: its verdict stands, no harness run
            attempt.same_as, attempt.verdict = same.id, same.verdict
        elif found.code is not None:
            attempt.verdict = self.check(found.code)
            v = attempt.verdict
            self.cannot_run = v.verdict == "unusable" and v.failure_class == "unusable"
        attempt.summary = summary_of(attempt)
        self.state.add(attempt, self.opts.island_size)
        self.account()
        self.save(self.state)
        return attempt

    def account(self) -> None:
        """The state's spending: what earlier runs of this solve spent plus this process's usage."""
        from chipsmith.llm.ledger import summarize

        records = self.handle.ledger.records[self._first_record :]
        now = summarize(r for r in records if r.agent == self.handle.agent)
        base = self._spent0
        cost = (
            None if base.cost_usd is None or now.cost_usd is None else round(base.cost_usd + now.cost_usd, 8)
        )
        self.state.spent = Spent(
            model_calls=base.model_calls + now.model_calls, cached_calls=base.cached_calls + now.cached_calls,
            input_tokens=base.input_tokens + now.input_tokens, output_tokens=base.output_tokens + now.output_tokens,
            cost_usd=cost, wall_s=round(base.wall_s + time.monotonic() - self._t0, 3),
            harness_runs=base.harness_runs + getattr(self.check, "runs", 0),
        )  # fmt: skip

    def feedback(self, a: Attempt) -> str:
        from chipsmith.prompts import render

        best = self.state.best_attempt()
        best = best if best is not None and best.id != a.id else None
        limit = self.opts.section_chars
        parts = sections(a.verdict, self.state.backend, self.shapes, self.peaks, limit) if a.verdict else None
        return render(
            "kernel_agent_feedback", iteration=a.id, max_iterations=self.opts.max_candidates,
            s=parts or sections_empty(a), problems=problems_of(a), best=best,
            instruction=instruction(a.verdict, a.problem, self.opts.search),
        ).strip()  # fmt: skip

    def stop_reason(self) -> str:
        """Why the search must end now ("" to go on)."""
        st = self.state
        if self.cannot_run:
            return "cannot_run_here"
        if len(st.attempts) >= self.opts.max_candidates:
            return "max_candidates"
        if st.best is not None and self.opts.search != "single" and st.stale >= self.opts.patience:
            return "no_faster"
        return ""

    # ------------------------------------------------------------------ runs
    def definition(self, iterations: int) -> AgentDef:
        return AgentDef(
            name="kernel", system_prompt="kernel_agent_system", task_prompt="kernel_agent_task", tools=(),
            max_iterations=max(1, iterations), max_model_calls=3 * max(1, iterations),
            history_iterations=self.opts.history_iterations,
        )  # fmt: skip

    def run(self, op: Operation, iterations: int, chain: bool, request: str = "") -> RunResult:
        handle = self.handle
        if not chain:  # each independent request is its own sample, and its own cache entry
            handle = handle.derive(
                temperature=self.opts.sample_temperature, seed=self.seed * 1000 + len(self.state.attempts)
            )
        runtime = AgentRuntime(
            self.definition(iterations), handle, self.toolkit, checker=KernelChecker(self, op, chain),
            observer=self.observer,
        )  # fmt: skip
        result = runtime.run(variables={**self.variables, "request": request})
        self._merge(result)
        return result

    def _merge(self, result: RunResult) -> None:
        t = self.transcript
        t.messages += [record_message(m) for m in result.messages]
        for e in result.transcript.events:
            t.events.append(e.model_copy(update={"seq": len(t.events) + 1}))
        if result.stop_reason in _ENDS:
            self.stop, self.stop_message = result.stop_reason, result.message

    def go(self) -> None:
        """Run the chosen search until a stop (see the module docstring)."""
        self.stop = self.stop or self.stop_reason()
        if not self.stop:
            {"single": self._single, "repair": self._repair, "evolve": self._evolve}[self.opts.search]()
        self.stop = self.stop or self.stop_reason() or "model_calls"
        if self.stop in ("max_candidates", "no_faster", "cannot_run_here"):
            self.state.finished = self.stop
        self.account()
        self.save(self.state)

    def _single(self) -> None:
        while not self.stop and not self.stop_reason():
            self.run(Operation(kind="sample"), 1, chain=False)

    def _repair(self) -> None:
        left = self.opts.max_candidates - len(self.state.attempts)
        self.run(Operation(kind="seed"), left, chain=True)

    def _evolve(self) -> None:
        from chipsmith.prompts import render

        while not self.stop and not self.stop_reason():
            st = self.state
            op = st.next_operation(
                step_rng(self.seed, len(st.attempts)), self.opts.seeds, self.opts.crossover_rate
            )
            request = "" if op.kind == "seed" else self._request(op, render)
            before = len(st.attempts)
            self.run(op, 1, chain=False, request=request)
            if len(st.attempts) == before and not self.stop:  # the run ended without an answer
                self.stop, self.stop_message = "model_calls", "a request ended without a checked answer"
            if (
                st.correct_ids()
                and self.opts.migrate_every
                and len(st.attempts) % self.opts.migrate_every == 0
            ):
                st.migrate(self.opts.island_size)

    def _request(self, op: Operation, render: Any) -> str:
        """The part of a child's prompt after the task: the parent(s), or the answer to repair."""
        st = self.state
        if op.kind == "repair":
            parent = st.get(op.parents[0])
            return (
                f"Your earlier answer {parent.id}:\n```python\n{(parent.code or '').strip()}\n```\n\n"
                f"{self.feedback(parent)}"
            )
        parents = []
        for pid in op.parents:
            p = st.get(pid)
            assert p.verdict is not None
            part = sections(p.verdict, st.backend, self.shapes, self.peaks, self.opts.section_chars)
            parents.append({"id": p.id, "origin": p.origin, "code": p.code or "", "timing": part.timing,
                            "roofline": part.roofline})  # fmt: skip
        recent = [a for a in st.attempts[-4:] if not a.correct]
        return render(
            "kernel_agent_evolve", operation=op.kind, backend=st.backend, parents=parents,
            recent=[{"id": a.id, "summary": a.summary} for a in recent],
        ).strip()  # fmt: skip


def problems_of(a: Attempt) -> list[str]:
    if a.same_as is not None:
        return [f"this is the very same file as your answer {a.same_as}: its verdict again; change something"]
    return [a.problem] if a.problem else []


def sections_empty(a: Attempt) -> Any:
    from chipsmith.agents.kernel_feedback import Sections

    return Sections(headline=f"NO KERNEL: {a.problem or 'no code'}")


__all__ = ["KernelChecker", "Search", "timing_line"]
