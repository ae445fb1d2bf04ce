"""The agent runtime's loop with a scripted model: bounds, bad calls, checker, events, budget, transcript.

Only the model is replaced (the scripted model from chipsmith.llm); the toolkit runs for real with
file tools only, so no simulator is needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from chipsmith.agents.runtime import AgentDef, AgentRuntime, Observation
from chipsmith.agents.transcript import AgentEvent, Transcript
from chipsmith.config import Settings
from helpers import require_module

pytestmark = pytest.mark.unit

FILE_TOOLS = ("list_files", "read_file", "write_file")


def _script(tmp_path: Path, replies: list[Any]) -> str:
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "script.yaml"
    path.write_text(yaml.safe_dump({"replies": replies}))
    return f"scripted:{path}"


def _runtime(
    tmp_path: Path, replies: list[Any], checker: Any = None, **defn: Any
) -> tuple[AgentRuntime, list[AgentEvent]]:
    require_module("langchain")
    from chipsmith.agents.tooling.toolkit import Toolkit
    from chipsmith.agents.workspace import Workspace
    from chipsmith.llm import Budget, open_model

    budget = defn.pop("budget", None)
    handle = open_model(
        _script(tmp_path, replies), settings=Settings(home=tmp_path / "home"), cache=False,
        budget=Budget(**budget) if budget else None,
    )  # fmt: skip
    ws = Workspace(tmp_path / "ws")
    (tmp_path / "outside.txt").write_text("secret")
    toolkit = Toolkit(ws, names=FILE_TOOLS, charge=handle.charge_tool_call, error_knowledge=None)
    events: list[AgentEvent] = []
    definition = AgentDef(name="t", system_prompt="rtl_agent_system", tools=FILE_TOOLS, **defn)
    return AgentRuntime(definition, handle, toolkit, checker=checker, observer=events.append), events


VARS = {"top": "m", "testbench_path": "tb.sv", "tools": ["read_file"], "starter_files": {}}


class CountingChecker:
    """Stops at answer ``stop_at``; otherwise asks for a fix."""

    def __init__(self, stop_at: int = 99) -> None:
        self.stop_at, self.seen = stop_at, []

    def check(self, reply: Any, text: str, iteration: int) -> Observation:
        self.seen.append(text)
        done = iteration >= self.stop_at
        return Observation(
            stop=done, reason="ok", feedback=f"fix number {iteration}", summary=f"answer {iteration}"
        )


def test_bad_calls_are_answered_and_the_checker_stops_the_run(tmp_path: Path) -> None:
    replies = [
        {
            "content": "looking",
            "tool_calls": [{"name": "list_files", "args": {}}, {"name": "invented", "args": {}}],
        },
        {"invalid_tool_calls": [{"name": "read_file", "args": "{bad", "error": "not JSON"}]},
        {"content": "", "tool_calls": [{"name": "read_file", "args": {"path": "../outside.txt"}}]},
        "first answer",
        "second answer",
    ]
    checker = CountingChecker(stop_at=2)
    rt, events = _runtime(tmp_path, replies, checker)
    result = rt.run("go", variables=VARS)
    assert result.stop_reason == "ok" and result.iterations == 2 and result.model_calls == 5
    assert checker.seen == ["first answer", "second answer"]
    seen = result.transcript.model_inputs()
    assert "unknown tool 'invented'" in seen  # answered by the toolkit, not LangGraph's generic text
    assert "invalid tool call read_file: not JSON" in seen
    assert "contains '..'" in seen and "secret" not in seen
    assert "fix number 1" in seen
    kinds = [e.kind for e in events]
    assert kinds.count("model") == 5 and kinds.count("iteration") == 2 and kinds[-1] == "stop"
    tool_ends = [e.data for e in events if e.kind == "tool" and e.data["phase"] == "end"]
    assert {d["tool"] for d in tool_ends} == {"list_files", "invented", "read_file"}
    assert result.usage.tool_calls == 3  # every tool call charged once, invented names included


def test_iteration_bound_and_model_call_bound(tmp_path: Path) -> None:
    rt, _ = _runtime(tmp_path, ["a", "b", "c", "d"], CountingChecker(), max_iterations=2)
    result = rt.run("go", variables=VARS)
    assert result.stop_reason == "max_iterations" and result.iterations == 2 and result.model_calls == 2

    looping = [{"content": "", "tool_calls": [{"name": "list_files", "args": {}}]}] * 6
    rt, _ = _runtime(tmp_path / "b", looping, CountingChecker(), max_model_calls=3)
    result = rt.run("go", variables=VARS)
    assert result.stop_reason == "model_calls" and result.model_calls == 3


def test_an_oversized_reply_is_cut_in_the_history_but_checked_whole(tmp_path: Path) -> None:
    big = "x" * 200_000
    checker = CountingChecker(stop_at=2)
    rt, _ = _runtime(tmp_path, [big, "small"], checker, max_reply_chars=1000)
    result = rt.run("go", variables=VARS)
    assert len(checker.seen[0]) == 200_000
    ai = [m for m in result.transcript.messages if m.role == "ai"]
    assert len(ai[0].content) < 1200 and "reply cut: 200000 characters" in ai[0].content


def test_budget_exhaustion_stops_cleanly_with_everything_kept(tmp_path: Path) -> None:
    replies = ["one", "two", "three"]
    rt, events = _runtime(tmp_path, replies, CountingChecker(), budget={"max_model_calls": 2})
    result = rt.run("go", variables=VARS)
    assert result.stop_reason == "budget" and "model-call budget reached: 2 of 2" in result.message
    assert [m.content for m in result.transcript.messages if m.role == "ai"] == ["one", "two"]
    assert result.usage.model_calls == 2 and events[-1].kind == "stop"
    saved = Transcript.load(result.transcript.save(tmp_path / "t" / "transcript.json"))
    assert saved.stop_reason == "budget" and len(saved.messages) == len(result.transcript.messages)


def test_without_a_checker_the_first_plain_reply_ends_the_run(tmp_path: Path) -> None:
    rt, _ = _runtime(tmp_path, [{"content": "", "tool_calls": [{"name": "list_files", "args": {}}]}, "done"])
    result = rt.run("go", variables=VARS)
    assert result.stop_reason == "done" and result.iterations == 0 and result.model_calls == 2


def test_a_model_error_ends_the_run_with_a_reason(tmp_path: Path) -> None:
    rt, _ = _runtime(tmp_path, ["only one reply"], CountingChecker())
    result = rt.run("go", variables=VARS)
    assert result.stop_reason == "model_error" and "all 1 replies used" in result.message
    assert result.iterations == 1


def test_history_window_keeps_the_opening_and_the_last_answers() -> None:
    require_module("langchain_core")
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

    from chipsmith.agents._loop import history_window

    msgs = [SystemMessage("s", id="s"), HumanMessage("task", id="t")]
    bounds = []
    for i in range(4):
        msgs += [AIMessage(f"answer {i}", id=f"a{i}"), HumanMessage(f"feedback {i}", id=f"f{i}")]
        bounds.append(f"f{i}")
    kept = history_window(msgs, 2, bounds, keep=2)
    assert [m.id for m in kept] == ["s", "t", "a2", "f2", "a3", "f3"]
    assert history_window(msgs, 2, bounds, keep=0) == msgs


def test_a_checkpointed_thread_resumes_the_conversation(tmp_path: Path) -> None:
    require_module("langgraph.checkpoint.sqlite")
    import sqlite3

    from langgraph.checkpoint.sqlite import SqliteSaver

    rt, _ = _runtime(tmp_path, ["first reply", "second reply"])
    with sqlite3.connect(tmp_path / "sessions.sqlite", check_same_thread=False) as conn:
        rt.checkpointer = SqliteSaver(conn)
        one = rt.run("hello", variables=VARS, thread_id="t1")
        two = rt.run("and again", variables=VARS, thread_id="t1")
    assert one.stop_reason == two.stop_reason == "done"
    roles = [m.role for m in two.transcript.messages]
    assert roles == ["system", "human", "ai", "human", "ai"]  # one system message, the history kept
    assert [m.content for m in two.transcript.messages if m.role == "ai"] == ["first reply", "second reply"]


def test_a_subagent_is_offered_as_a_tool_and_charged_as_one(tmp_path: Path) -> None:
    from chipsmith.agents.subagent import subagent_tool

    inner_replies = ["the sub-agent's design"]
    inner, _ = _runtime(tmp_path / "inner", inner_replies)
    tool = subagent_tool(
        "design", "Design a module from a request.", lambda req: inner.run(req, variables=VARS)
    )
    outer_replies = [
        {"content": "", "tool_calls": [{"name": "design", "args": {"request": "an inverter"}}]},
        "all done",
    ]
    outer, events = _runtime(tmp_path / "outer", outer_replies)
    outer.extra_tools = [tool]
    result = outer.run("build me an inverter", variables=VARS)
    assert result.stop_reason == "done" and result.model_calls == 2
    (answer,) = [m.content for m in result.transcript.messages if m.role == "tool"]
    assert answer.startswith("design stopped: done") and "the sub-agent's design" in answer
    assert result.usage.tool_calls == 1  # the sub-agent call was charged like any tool call
    assert [m.content for m in inner.state.transcript.messages if m.role == "human"] == ["an inverter"]  # type: ignore[union-attr]
