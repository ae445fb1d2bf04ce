"""The middleware that turns LangChain's ``create_agent`` loop into chipsmith's agent loop.

``create_agent`` runs model -> tools -> model until a reply has no tool calls. This middleware adds
what a design agent needs around that loop, with its documented hooks:

- ``before_model``: the wall-time budget and the run's model-call bound (stop reason recorded).
- ``after_model``: an oversized reply is cut in the history; each invalid tool call (bad JSON, a
  bad ACTION line) is answered with an error the model can act on and the model goes again; a
  final reply (no tool calls) goes to the agent's checker, whose feedback becomes the next user
  message (``jump_to="model"``) until it says stop or the iteration bound is reached.
- ``wrap_tool_call``: a tool name the model invents is answered by the toolkit (one error line,
  with a ToolEvent and a budget charge) instead of LangGraph's ToolNode.
- ``wrap_model_call``: only the last ``history_iterations`` checked replies (and what followed
  them) are sent to the model, after the opening messages: small models have small contexts.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from langchain.agents.middleware import AgentMiddleware, hook_config
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from chipsmith.agents.transcript import preview

if TYPE_CHECKING:
    from chipsmith.agents.runtime import RunState


def cut_reply(reply: AIMessage, limit: int) -> AIMessage | None:
    """Pure: a copy of an over-long reply, cut to ``limit`` characters (same id), or None if it fits."""
    text = str(reply.text) if not isinstance(reply.content, str) else reply.content
    if len(text) <= limit:
        return None
    cut = f"{text[:limit]}\n[... reply cut: {len(text)} characters in all, over the {limit} limit]"
    return reply.model_copy(update={"content": cut})


def invalid_call_answers(reply: AIMessage) -> list[ToolMessage]:
    """Pure: one error ToolMessage per invalid tool call, saying what was wrong and what to do."""
    out = []
    for call in reply.invalid_tool_calls:
        name = call.get("name") or "(no name)"
        error = " ".join(str(call.get("error") or "the call could not be parsed").split())[:300]
        text = (
            f"invalid tool call {name}: {error}. Nothing ran. Send the call again with its arguments "
            "as one JSON object, or reply without a tool call."
        )
        out.append(
            ToolMessage(
                content=text, tool_call_id=call.get("id") or "invalid", name=str(name), status="error"
            )
        )
    return out


def history_window(
    messages: list[BaseMessage], opening: int, boundaries: list[str], keep: int
) -> list[BaseMessage]:
    """Pure: the opening messages, then everything from the ``keep``-th last checked reply on.

    ``boundaries`` are the ids of the feedback messages, each right after a checked reply (which
    has no tool calls, so cutting before it never orphans a tool result).
    """
    if keep <= 0 or len(boundaries) <= keep:
        return messages
    first = boundaries[-keep]
    idx = next((i for i, m in enumerate(messages) if m.id == first), None)
    if idx is None or idx - 1 <= opening:
        return messages
    return messages[:opening] + messages[idx - 1 :]


class LoopMiddleware(AgentMiddleware):
    """One per run: reads the run's definition and checker, writes its stop reason."""

    def __init__(self, run: RunState) -> None:
        super().__init__()
        self.run = run
        self.boundaries: list[str] = []

    @property
    def name(self) -> str:  # middleware names must be unique within one agent
        return "chipsmith_loop"

    @hook_config(can_jump_to=["end"])
    def before_model(self, state: Any, runtime: Any) -> dict[str, Any] | None:
        run = self.run
        run.handle.budget.check_time()
        if run.model_calls >= run.definition.max_model_calls:
            run.stop("model_calls", f"model-call bound of this run reached ({run.model_calls} calls)")
            return {"jump_to": "end"}
        run.model_calls += 1
        return None

    @hook_config(can_jump_to=["model", "end"])
    def after_model(self, state: Any, runtime: Any) -> dict[str, Any] | None:
        reply = state["messages"][-1]
        if not isinstance(reply, AIMessage):
            return None
        run = self.run
        updates: list[BaseMessage] = []
        text = reply.content if isinstance(reply.content, str) else str(reply.text)
        run.emit_model(reply, text)
        if (short := cut_reply(reply, run.definition.max_reply_chars)) is not None:
            updates.append(short)
        updates += invalid_call_answers(reply)
        if reply.tool_calls:
            return {"messages": updates} if updates else None
        if reply.invalid_tool_calls:
            return {"messages": updates, "jump_to": "model"}
        return self._checked(reply, text, updates)

    def _checked(self, reply: AIMessage, text: str, updates: list[BaseMessage]) -> dict[str, Any]:
        run = self.run
        if run.checker is None:
            run.stop("done", "the model replied without a tool call")
            return {"messages": updates, "jump_to": "end"}
        run.iterations += 1
        obs = run.checker.check(reply, text, run.iterations)
        run.emit("iteration", {"iteration": run.iterations, "summary": obs.summary, "stop": obs.stop})
        if obs.stop:
            run.stop(obs.reason or "passed", obs.summary)
            return {"messages": updates, "jump_to": "end"}
        if run.iterations >= run.definition.max_iterations:
            run.stop("max_iterations", f"iteration bound reached ({run.iterations}); last: {obs.summary}")
            run.pending_feedback = obs.feedback
            return {"messages": updates, "jump_to": "end"}
        feedback = HumanMessage(content=obs.feedback, id=f"feedback-{uuid.uuid4().hex[:12]}")
        self.boundaries.append(str(feedback.id))
        return {"messages": [*updates, feedback], "jump_to": "model"}

    def wrap_tool_call(self, request: Any, handler: Callable[[Any], Any]) -> Any:
        if request.tool is None:
            return self.run.toolkit.execute(request.tool_call)
        if request.tool.name not in self.run.toolkit.specs:  # an extra tool: the toolkit did not charge it
            self.run.handle.charge_tool_call(request.tool.name)
        return handler(request)

    def wrap_model_call(self, request: Any, handler: Callable[[Any], Any]) -> Any:
        keep = self.run.definition.history_iterations
        window = history_window(list(request.messages), self.run.opening, self.boundaries, keep)
        if len(window) != len(request.messages):
            request = request.override(messages=window)
        return handler(request)


def model_event_data(reply: AIMessage, text: str) -> dict[str, Any]:
    """Pure: what a live view shows of one reply."""
    usage = dict(reply.usage_metadata or {})
    return {
        "text": preview(text),
        "chars": len(text),
        "tool_calls": [c["name"] for c in reply.tool_calls],
        "invalid_tool_calls": len(reply.invalid_tool_calls),
        "input_tokens": usage.get("input_tokens"),
        "output_tokens": usage.get("output_tokens"),
    }
