"""One turn of a design session, and the engine a session opens once (model, tools, checkpointer).

A turn: take the turn lock, record the workspace as the user left it, retrieve the user's
documents for the request, close any tool call an interrupted turn left open, run the orchestrator
on the checkpointed thread, run the final verification, and record the outcome. Every step emits
``SessionEvent``s; everything but streamed text chunks is also appended to ``events.jsonl``.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Callable
from typing import Any

from chipsmith.agents.session_models import Outcome, SessionEvent
from chipsmith.agents.session_store import SessionPaths, append_jsonl, read_jsonl, turn_lock

log = logging.getLogger(__name__)

INTERRUPTED = (
    "interrupted: this call did not finish (the turn was cancelled or its process stopped); "
    "its result is unknown: check the workspace before relying on it"
)
ERROR_STOPS = ("model_error", "agent_error", "budget", "model_calls")


def checkpoint_messages(paths: SessionPaths, thread_id: str, saver: Any = None) -> list[Any]:
    """The conversation stored in the session's checkpoint (empty before the first turn)."""
    if saver is None:
        if not paths.checkpoints.is_file():
            return []
        from langgraph.checkpoint.sqlite import SqliteSaver

        with sqlite3.connect(paths.checkpoints, check_same_thread=False) as conn:
            return checkpoint_messages(paths, thread_id, SqliteSaver(conn))
    snap = saver.get_tuple({"configurable": {"thread_id": thread_id}})
    return list(snap.checkpoint.get("channel_values", {}).get("messages", [])) if snap else []


def dangling_results(messages: list[Any]) -> list[Any]:
    """Pure: a result for each tool call of the last model reply that never got one (a killed or
    cancelled turn), so the conversation stays valid for any provider."""
    from langchain_core.messages import ToolMessage

    last = next((i for i in range(len(messages) - 1, -1, -1) if messages[i].type == "ai"), None)
    if last is None:
        return []
    answered = {m.tool_call_id for m in messages[last + 1 :] if m.type == "tool"}
    return [
        ToolMessage(content=INTERRUPTED, tool_call_id=c["id"], name=c["name"], status="error")
        for c in messages[last].tool_calls
        if c.get("id") not in answered
    ]


class Engine:
    """What a session opens once: the model handle and budget, the tools, the runtime, the saver."""

    def __init__(self, session: Any) -> None:
        from langgraph.checkpoint.sqlite import SqliteSaver

        from chipsmith.agents.orchestrator import build_tools, definition, offered_tools
        from chipsmith.agents.orchestrator_context import ToolContext
        from chipsmith.agents.orchestrator_history import HistoryTrim, history_chars
        from chipsmith.agents.runtime import AgentRuntime
        from chipsmith.agents.session_budget import SessionTracker, TokenStream
        from chipsmith.llm import Budget, Ledger, open_model
        from chipsmith.llm.spec import parse_spec

        info, settings, opts = session.info, session.settings, session.options
        ledger = Ledger.load(session.paths.ledger)
        self.tracker = SessionTracker(Budget(**info.budget) if info.budget else settings_budget(settings))
        self.tracker.seed(ledger.summary(), info.wall_s)
        # The embedded server sends no token counts in streamed replies: its replies come whole.
        streaming = parse_spec(info.model, default_base_url=settings.openai_base_url).kind != "local"
        self.handle = open_model(
            info.model, settings=settings, agent="orchestrator", ledger=ledger, budget=self.tracker,
            cache=None if opts.cache else False, protocol=opts.protocol, streaming=streaming,
        )  # fmt: skip
        self.tokens = TokenStream(self._on_token, self.tracker)
        self.handle.model = self.handle.model.model_copy(
            update={"callbacks": [*(self.handle.model.callbacks or []), self.tokens]}
        )
        self.session, self.paths = session, session.paths
        self.on_event: Callable[[SessionEvent], None] | None = None
        self.turn, self.seq = 0, len(read_jsonl(session.paths.events, SessionEvent))
        self.ctx = ToolContext(
            session_id=info.id, paths=session.paths, workspace=session.workspace, handle=self.handle,
            settings=settings, emit=self.emit, agent_models=opts.agent_models or info.agent_models,
        )  # fmt: skip
        self.offered = offered_tools(opts, self.handle.spec.kind == "local")
        self.toolkit, extra = build_tools(self.ctx, self.offered)
        self.conn = sqlite3.connect(session.paths.checkpoints, check_same_thread=False)
        self.saver = SqliteSaver(self.conn)
        limit = history_chars(self.handle.spec.kind, settings.local_n_ctx, opts.history_chars)
        self.runtime = AgentRuntime(
            definition(opts, self.offered), self.handle, self.toolkit, observer=self._on_agent_event,
            checkpointer=self.saver, extra_tools=extra, middleware=[HistoryTrim(limit)],
        )  # fmt: skip

    # ------------------------------------------------------------------ events
    def emit(self, kind: str, data: dict[str, Any], agent: str = "orchestrator", depth: int = 0) -> None:
        self.seq += 1
        event = SessionEvent.model_validate(
            {"kind": kind, "session": self.session.id, "turn": self.turn, "seq": self.seq, "agent": agent,
             "depth": depth, "data": data}
        )  # fmt: skip
        if kind != "text":
            append_jsonl(self.paths.events, event)
        if self.on_event is not None:
            try:
                self.on_event(event)
            except Exception as exc:  # a broken live view must not break the turn
                log.warning("session event consumer failed: %s", exc)

    def _on_token(self, token: str) -> None:
        self.emit("text", {"delta": token})

    def _on_agent_event(self, ev: Any) -> None:
        d = ev.data
        if ev.kind == "model":
            self.emit("model", {k: d.get(k) for k in ("text", "tool_calls", "input_tokens", "output_tokens")})
            self.emit_usage()
        elif ev.kind == "tool":
            kind = "tool_start" if d.get("phase") == "start" else "tool_end"
            keep = ("tool", "args", "status", "verdict", "error", "duration_s")
            self.emit(kind, {**{k: d[k] for k in keep if d.get(k) is not None}, "call": f"f{d.get('seq')}"})

    def emit_usage(self) -> None:
        from chipsmith.agents.session_views import usage_info

        self.emit("usage", usage_info(self.handle.ledger.summary(), self.session.info, self).model_dump())

    def close(self) -> None:
        self.toolkit.close()
        self.ctx.close()
        self.conn.close()


def settings_budget(settings: Any) -> Any:
    from chipsmith.llm import Budget

    return Budget(
        max_tokens=settings.budget_tokens, max_usd=settings.budget_usd, max_wall_s=settings.budget_wall_s,
        max_model_calls=settings.budget_model_calls, max_tool_calls=settings.budget_tool_calls,
    )  # fmt: skip


def run_turn(session: Any, text: str, on_event: Callable[[SessionEvent], None] | None) -> Outcome:
    """Run one turn (see the module docstring); never raises for what the model or a tool does."""
    eng = session.engine()
    with turn_lock(session.paths.lock):
        turn = session.info.turns + 1
        title = (
            session.info.title or text.strip().splitlines()[0][:80] if text.strip() else session.info.title
        )
        session.save_info(turns=turn, status="running", pid=os.getpid(), title=title)
        eng.turn, eng.on_event, eng.ctx.turn = turn, on_event, turn
        started = time.time()
        outcome: Outcome | None = None
        try:
            outcome = _turn(session, eng, text, turn, started)
        except Exception as exc:  # a bug of ours: an error outcome, the session stays usable
            message = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            log.warning("turn %d of session %s failed: %s", turn, session.id, message)
            log.debug("turn %d of session %s failed", turn, session.id, exc_info=True)
            eng.emit("error", {"message": message})
            outcome = Outcome(session=session.id, turn=turn, request=text, status="error", met=False,
                              reasons=[message], workspace=str(session.workspace.root), started=started)  # fmt: skip
        finally:
            wall = eng.tracker.stop_clock()
            status = outcome.status if outcome is not None else "error"
            session.save_info(status="idle", pid=None, wall_s=wall, last_status=status)
        append_jsonl(session.paths.turns, outcome)
        eng.emit("outcome", outcome.model_dump(mode="json"))
        eng.on_event = None
        return outcome


def _turn(session: Any, eng: Engine, text: str, turn: int, started: float) -> Outcome:
    from langchain_core.messages import HumanMessage

    from chipsmith.agents.orchestrator_final import finalize
    from chipsmith.agents.orchestrator_retrieval import user_documents
    from chipsmith.agents.orchestrator_verdict import parse_request
    from chipsmith.agents.session_files import snapshot
    from chipsmith.prompts import render

    ctx, handle = eng.ctx, eng.handle
    eng.tracker.cancelled.clear()
    eng.tracker.restart_clock()
    eng.emit("turn_start", {"request": text, "model": handle.label, "notice": handle.notice})
    snap = snapshot(session.workspace)
    ctx.history.record(snap, turn, "user")
    ctx.turn_start = snap
    docs = user_documents(session.settings, text)
    if docs:
        eng.emit(
            "retrieval",
            {"sources": [{"source": d.source, "section": d.section, "score": d.score} for d in docs]},
        )
    patches = dangling_results(checkpoint_messages(session.paths, session.id, eng.saver))
    if patches:
        eng.emit(
            "notice",
            {"text": f"{len(patches)} tool call(s) of an interrupted turn were closed as interrupted"},
        )
    human = HumanMessage(content=render("orchestrator_turn", request=text, files=sorted(snap)[:40],
                                        sources=[d.model_dump() for d in docs]))  # fmt: skip
    result = eng.runtime.run([*patches, human], variables={"tools": list(eng.offered)}, thread_id=session.id)
    stop = "cancelled" if eng.tracker.cancelled.is_set() else result.stop_reason
    verdict, changed = finalize(ctx, parse_request(text), stop)
    return _outcome(session, eng, text, turn, started, result, stop, verdict, changed, docs)


def _outcome(
    session: Any, eng: Engine, text: str, turn: int, started: float, result: Any, stop: str, verdict: Any,
    changed: Any, docs: list[Any],
) -> Outcome:  # fmt: skip
    from chipsmith.agents.orchestrator_final import render_report
    from chipsmith.agents.session_models import Citation
    from chipsmith.agents.session_views import ppa_figures, usage_info

    checks = eng.ctx.checks(turn)
    status, reasons = verdict.status, list(verdict.reasons)
    if stop in ERROR_STOPS and not verdict.met:
        reasons.append(
            f"the orchestrator stopped: {stop}" + (f" ({result.message})" if result.message else "")
        )
        status = "error" if status == "answered" else status
    answer = final_answer(result.messages)
    sources = [Citation(source=d.source, section=d.section, score=d.score) for d in docs]
    ppa = ppa_figures(checks)
    report = render_report(
        verdict.model_copy(update={"status": status, "reasons": reasons}), checks, changed,
        {"workspace": str(session.workspace.root), "sources": [s.model_dump() for s in sources],
         "ppa": [p.model_dump() for p in ppa]},
    )  # fmt: skip
    eng.emit_usage()
    return Outcome(
        session=session.id, turn=turn, request=text, status=status, met=verdict.met and status == "met",
        reasons=reasons, answer=answer, report=report, checks=checks, files=changed, ppa=ppa, sources=sources,
        stop_reason=stop, stop_message=result.message, model=eng.handle.label, notice=eng.handle.notice,
        workspace=str(session.workspace.root), usage=usage_info(eng.handle.ledger.summary(), session.info, eng),
        started=started,
    )  # fmt: skip


def final_answer(messages: list[Any]) -> str:
    """Pure: the orchestrator's last reply text of the turn (after the last human message)."""
    start = max((i for i, m in enumerate(messages) if m.type == "human"), default=-1)
    texts = [
        m.content
        for m in messages[start + 1 :]
        if m.type == "ai" and isinstance(m.content, str) and m.content.strip()
    ]
    return texts[-1] if texts else ""
