"""The RTL agent's first answer by sampling (MAGE), and its transcript at the end of a solve.

``sample_first`` asks the model for ``candidates`` first answers at a higher temperature (each its
own seed, so each is its own cache entry), checks each one (lint, then the testbench), keeps the
best as answer 1 and returns the conversation to continue from. A budget or model error during
sampling ends the solve with what was sampled so far.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from chipsmith.agents.runtime import AgentRuntime, RunResult
from chipsmith.agents.transcript import Transcript, preview, record_message


class FirstAnswer(BaseModel):
    model_config = ConfigDict(arbitrary_types_allowed=True)

    messages: list[Any] = []
    """The task, the chosen answer and its feedback: where the repair loop goes on."""
    done: bool = False
    result: RunResult | None = None
    samples: list[dict[str, Any]] = []


def sample_first(
    runtime: AgentRuntime, checker: Any, variables: dict[str, Any], opts: Any, seed: int
) -> FirstAnswer:
    """Sample, rank, keep the best as the first answer (see the module docstring)."""
    from langchain_core.messages import HumanMessage

    from chipsmith.llm.errors import BudgetExceeded, LLMError

    opening = runtime.opening_messages(None, variables)
    tried: list[tuple[Any, Any, Any]] = []
    stop = ("", "")
    for j in range(opts.candidates):
        handle = runtime.handle.derive(temperature=opts.sample_temperature, seed=seed * 1000 + j)
        try:
            reply = handle.model.invoke(opening)
            snap, sections = checker.evaluate(str(reply.text), 1)
        except BudgetExceeded as exc:
            stop = ("budget", str(exc))
            break
        except LLMError as exc:
            stop = ("model_error", str(exc))
            break
        tried.append((reply, snap, sections))
    samples = [
        {"sample": i, "text": preview(str(r.text)), "check": s.summary} for i, (r, s, _) in enumerate(tried)
    ]
    if not tried:
        return FirstAnswer(done=True, result=_stopped(runtime, opening, stop), samples=samples)
    reply, snap, sections = max(tried, key=lambda t: t[1].score())  # max keeps the first of equals
    if snap.files:
        checker.workspace.write(checker.design_path, next(iter(snap.files.values())))
    checker.keep(snap)
    messages = [*opening[1:], reply, HumanMessage(content=checker.feedback(snap, sections))]
    done = snap.passed or bool(stop[0])
    result = (
        _stopped(runtime, opening + [reply], stop if stop[0] else ("testbench_passed", snap.summary))
        if done
        else None
    )
    return FirstAnswer(messages=messages, done=done, result=result, samples=samples)


def _stopped(runtime: AgentRuntime, messages: list[Any], stop: tuple[str, str]) -> RunResult:
    """A RunResult for a solve that ended in the sampling phase."""
    from chipsmith.llm.ledger import summarize

    usage = summarize(runtime.handle.ledger.records)
    transcript = runtime.new_transcript()
    transcript.messages = [record_message(m) for m in messages]
    transcript.stop_reason, transcript.stop_message = stop
    return RunResult(
        stop_reason=stop[0],
        message=stop[1],
        iterations=1,
        usage=usage,
        transcript=transcript,
        messages=messages,
    )


def finish_transcript(
    solve: Any, checker: Any, result: RunResult | None, tb: Any, samples: list[dict[str, Any]], usage: Any
) -> Transcript:
    """The solve's transcript: the loop's messages and events, plus the agent's own results."""
    transcript = (
        result.transcript if result is not None else Transcript(agent="rtl", model=solve.handle.label)
    )
    transcript.usage = {**usage.model_dump(), "total_tokens": usage.total_tokens}
    transcript.iterations = len(checker.history)
    stop_reason = result.stop_reason if result is not None else "no_run"
    transcript.meta = {
        "agent": {
            "model": solve.handle.label, "notice": solve.handle.notice, "real": solve.handle.is_real,
            "stop_reason": stop_reason, "stop_message": result.message if result is not None else "",
            "iterations": len(checker.history), "model_calls": usage.model_calls,
            "cached_calls": usage.cached_calls, "tool_calls": usage.tool_calls,
            "input_tokens": usage.input_tokens, "output_tokens": usage.output_tokens,
            "cost_usd": usage.cost_usd, "model_wall_s": round(usage.model_wall_s, 3),
            "testbench": tb.source, "testbench_label": tb.label, "testbench_notes": tb.notes,
        },
        "samples": samples,
        "checks": [s.model_dump(exclude={"files"}) for s in checker.history],
        "best": checker.best.model_dump() if checker.best is not None else None,
    }  # fmt: skip
    return transcript
