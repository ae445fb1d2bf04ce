"""The agent runtime: one loop for every chipsmith sub-agent (prompt -> model -> tools -> observe).

A sub-agent is data more than code: an ``AgentDef`` (its prompt templates, the tools it may call,
its iteration and model-call bounds) plus, optionally, a ``Checker`` (its stop rule: after each
final reply it checks the work and either stops or says what to fix). ``AgentRuntime.run`` builds
LangChain's ``create_agent`` graph over the model handle and the toolkit, with ``LoopMiddleware``
(``_loop.py``) for the bounds, invalid calls, the checker and the history window, and streams it:

    toolkit = Toolkit(workspace, names=definition.tools, charge=handle.charge_tool_call)
    result = AgentRuntime(definition, handle, toolkit, checker=checker, observer=print).run(
        variables={"spec": ...})
    result.stop_reason, result.transcript.save(path)

Whatever happens (a budget spent, a model error, a bound reached), ``run`` returns a ``RunResult``
with everything so far (messages, events, usage); it never raises for the model's or a tool's
behaviour. A LangGraph checkpointer (``checkpointer=``, ``thread_id=``) persists the conversation,
which is how chat sessions resume; ``build_graph`` gives the compiled graph to embed elsewhere.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

from chipsmith.agents.transcript import AgentEvent, Transcript, record_message
from chipsmith.llm.ledger import UsageSummary, summarize

log = logging.getLogger(__name__)

Observer = Callable[[AgentEvent], None]


class AgentDef(BaseModel):
    """A sub-agent as data. Prompt fields name jinja templates (``chipsmith.prompts.render``)."""

    model_config = ConfigDict(frozen=True)

    name: str
    system_prompt: str
    """Template of the system message, rendered with the run's variables."""
    task_prompt: str | None = None
    """Template of the first user message (when ``run`` gets variables but no messages)."""
    tools: tuple[str, ...] = ()
    """TOOLS entries the model may call (an empty tuple: the model only answers)."""
    max_iterations: int = 4
    """Checked replies before the run stops (the checker's bound)."""
    max_model_calls: int = 24
    """Model calls in one run, tool-calling turns and bad replies included."""
    history_iterations: int = 2
    """Checked replies (and what followed each) kept in the model's input; 0 keeps everything."""
    max_reply_chars: int = 40_000
    """A longer reply is cut in the history (the model is told); its content still reaches the checker."""


class Observation(BaseModel):
    """A checker's answer to one final reply."""

    stop: bool = False
    reason: str = ""
    """Stop reason when ``stop`` (``passed``...)."""
    feedback: str = ""
    """The next user message when the run goes on: what was wrong and what to do."""
    summary: str = ""
    """One line for events and the transcript."""


class Checker(Protocol):
    """An agent's stop rule: look at a final reply (``iteration`` counts from 1), say stop or what to fix."""

    def check(self, reply: Any, text: str, iteration: int) -> Observation: ...


class RunResult(BaseModel):
    """How a run ended, and everything it produced."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    stop_reason: str
    """passed (the checker's stop), done (no checker: a reply without tool calls), max_iterations,
    model_calls, budget, model_error, agent_error."""
    message: str = ""
    iterations: int = 0
    model_calls: int = 0
    usage: UsageSummary
    transcript: Transcript
    messages: list[Any] = []
    """The LangChain messages of the conversation (state of the graph at the end)."""


class RunState:
    """Mutable state of one run, shared by the runtime and its middleware."""

    def __init__(self, runtime: AgentRuntime, opening: int) -> None:
        self.definition = runtime.definition
        self.handle = runtime.handle
        self.toolkit = runtime.toolkit
        self.checker = runtime.checker
        self.observer = runtime.observer
        self.transcript = runtime.new_transcript()
        self.opening = opening
        self.iterations = 0
        self.model_calls = 0
        self.stop_reason = ""
        self.stop_message = ""
        self.pending_feedback = ""

    def stop(self, reason: str, message: str = "") -> None:
        """Record why the run ends (the first reason wins)."""
        if not self.stop_reason:
            self.stop_reason, self.stop_message = reason, message

    def emit(self, kind: Any, data: dict[str, Any]) -> None:
        event = AgentEvent(
            kind=kind, agent=self.definition.name, seq=len(self.transcript.events) + 1, data=data
        )
        self.transcript.events.append(event)
        if self.observer is not None:
            try:
                self.observer(event)
            except Exception as exc:  # a broken live view must not break the run
                log.warning("agent event observer failed: %s", exc)

    def emit_model(self, reply: Any, text: str) -> None:
        from chipsmith.agents._loop import model_event_data

        self.emit("model", model_event_data(reply, text))


class AgentRuntime:
    """Runs one ``AgentDef`` with a model handle and a toolkit (see the module docstring)."""

    def __init__(
        self,
        definition: AgentDef,
        handle: Any,
        toolkit: Any,
        *,
        checker: Checker | None = None,
        observer: Observer | None = None,
        checkpointer: Any = None,
        extra_tools: list[Any] | None = None,
        middleware: list[Any] | None = None,
    ) -> None:
        self.definition = definition
        self.handle = handle
        self.toolkit = toolkit
        self.checker = checker
        self.observer = observer
        self.checkpointer = checkpointer
        self.extra_tools = list(extra_tools or [])
        self.middleware = list(middleware or [])
        """LangChain agent middleware run after the loop's own (the orchestrator's history trim)."""
        """LangChain tools beside the toolkit's (sub-agents offered as tools: ``subagent.subagent_tool``);
        each call is charged to the budget like a toolkit call."""
        self.state: RunState | None = None

    def new_transcript(self) -> Transcript:
        return Transcript(agent=self.definition.name, model=self.handle.label, notice=self.handle.notice)

    def build_graph(self, state: RunState) -> Any:
        """The compiled ``create_agent`` graph of one run (model, tools, the loop middleware)."""
        from langchain.agents import create_agent

        from chipsmith.agents._loop import LoopMiddleware

        offered = set(self.definition.tools)
        tools = [t for t in self.toolkit.langchain_tools() if t.name in offered] if offered else []
        tools += self.extra_tools
        return create_agent(
            self.handle.model,
            tools,
            middleware=[LoopMiddleware(state), *self.middleware],
            checkpointer=self.checkpointer,
            name=self.definition.name,
        )

    def opening_messages(self, request: str | list[Any] | None, variables: dict[str, Any]) -> list[Any]:
        """The system message (unless resuming a thread that has one) and the first user message(s)."""
        from langchain_core.messages import HumanMessage, SystemMessage

        from chipsmith.prompts import render

        out: list[Any] = [SystemMessage(content=render(self.definition.system_prompt, **variables))]
        if isinstance(request, str):
            out.append(HumanMessage(content=request))
        elif request:
            out += list(request)
        elif self.definition.task_prompt:
            out.append(HumanMessage(content=render(self.definition.task_prompt, **variables)))
        return out

    def run(
        self,
        request: str | list[Any] | None = None,
        *,
        variables: dict[str, Any] | None = None,
        thread_id: str | None = None,
    ) -> RunResult:
        """Run until the checker stops it, a bound is reached or the budget is spent."""
        config: dict[str, Any] = {"configurable": {"thread_id": thread_id}} if thread_id else {}
        prior = self._prior_messages(config)
        opening = self.opening_messages(request, variables or {})
        if prior:  # a resumed thread already has its system message
            opening = [m for m in opening if m.type != "system"]
        state = RunState(self, len(prior) + len(opening))
        self.state = state
        first_record = len(self.handle.ledger.records)
        forward = self._forward_tool_events(state)
        messages = prior + opening
        try:
            messages = self._stream(state, opening, config) or messages
        finally:
            self.toolkit.observer = forward
        return self._finish(state, messages, first_record)

    def _prior_messages(self, config: dict[str, Any]) -> list[Any]:
        if self.checkpointer is None or not config:
            return []
        snapshot = self.checkpointer.get_tuple(config)
        if snapshot is None:
            return []
        return list(snapshot.checkpoint.get("channel_values", {}).get("messages", []))

    def _stream(self, state: RunState, opening: list[Any], config: dict[str, Any]) -> list[Any] | None:
        """Stream the graph, keeping the latest full state; every stop becomes a reason, not an exception."""
        from langgraph.errors import GraphRecursionError

        from chipsmith.llm.errors import BudgetExceeded, LLMError

        last: list[Any] | None = None
        config = {**config, "recursion_limit": 4 * self.definition.max_model_calls + 16}
        try:
            graph = self.build_graph(state)
            # With a checkpointer, each step is on disk before the next starts ("sync"): LangGraph's
            # default writes in the background, and a killed process then lost the turn's request.
            durability = "sync" if self.checkpointer is not None else None
            kwargs = {"durability": durability} if durability else {}
            for values in graph.stream({"messages": opening}, config, stream_mode="values", **kwargs):
                last = list(values.get("messages", last or []))
        except BudgetExceeded as exc:
            state.stop("budget", str(exc))
        except LLMError as exc:
            state.stop("model_error", str(exc))
        except GraphRecursionError:
            state.stop("model_calls", "the graph's step bound was reached")
        except Exception as exc:  # any other failure ends this run with what it has, never a crash
            first = (str(exc).strip().splitlines() or [""])[0][:300]
            log.warning("agent %s failed: %s: %s", self.definition.name, type(exc).__name__, first)
            log.debug("agent %s failed", self.definition.name, exc_info=True)  # the traceback, for debugging
            state.stop("agent_error", f"{type(exc).__name__}: {first}")
        state.stop("done", "the model replied without a tool call")
        return last

    def _forward_tool_events(self, state: RunState) -> Any:
        """Route the toolkit's ToolEvents into the run's events; returns the observer it replaced."""
        previous = self.toolkit.observer

        def on_tool(event: Any) -> None:
            state.emit("tool", event.model_dump(exclude_none=True))
            if previous is not None:
                previous(event)

        self.toolkit.observer = on_tool
        return previous

    def _finish(self, state: RunState, messages: list[Any], first_record: int) -> RunResult:
        records = self.handle.ledger.records[first_record:]
        usage = summarize(r for r in records if r.agent == self.handle.agent)
        state.emit("stop", {"reason": state.stop_reason, "message": state.stop_message})
        transcript = state.transcript
        transcript.messages = [record_message(m) for m in messages]
        transcript.stop_reason, transcript.stop_message = state.stop_reason, state.stop_message
        transcript.iterations = state.iterations
        transcript.usage = {**usage.model_dump(), "total_tokens": usage.total_tokens}
        return RunResult(
            stop_reason=state.stop_reason,
            message=state.stop_message,
            iterations=state.iterations,
            model_calls=state.model_calls,
            usage=usage,
            transcript=transcript,
            messages=messages,
        )
