"""Every bad call a model can make ends as a clear error text and an event, never an exception."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import BaseModel, Field

from chipsmith.agents.tooling.events import ToolEvent
from chipsmith.agents.tooling.toolkit import MAX_OUTPUT_CHARS, Toolkit
from chipsmith.agents.workspace import Workspace
from chipsmith.registry import Registry

pytestmark = pytest.mark.unit


class Sizes(BaseModel):
    sizes: dict[str, int]
    where: str
    ok: bool = True
    wall_s: float = 1.234


def file_sizes(sources: dict[str, bytes], note: str = "", *, sandbox: Any = None) -> Sizes:
    """Sizes of the given files.

    Args:
        sources: Files to measure.
        note: Free text.
    """
    return Sizes(sizes={k: len(v) for k, v in sources.items()}, where=str(sandbox))


def search(query: str, k: int = 3) -> str:
    """Echo a query."""
    return f"{k}:{query}"


def boom(x: int = 0) -> str:
    """Always fails."""
    raise RuntimeError("yosys: ERROR: Module `top' not found!\nsecond line")


def huge(n: int = 1_000_000) -> str:
    """Returns a lot of text."""
    return "line\n" * (n // 5)


def where(lib: Path) -> str:
    """Echo a resolved path (the workspace root must not reach the model)."""
    return f"using {lib}"


def long_text(text: Annotated[str, Field(max_length=300_000)]) -> int:
    """Count characters."""
    return len(text)


@pytest.fixture
def reg():
    r: Registry = Registry("tool")
    for fn in (file_sizes, search, boom, huge, where, long_text):
        r.add(fn.__name__, fn)
    return r


@pytest.fixture
def kit(tmp_path, reg):
    ws = Workspace(tmp_path / "ws")
    ws.write("a.v", "module a; endmodule\n")
    ws.write("hidden/tb.v", "secret")
    ws.hide("hidden")
    events: list[ToolEvent] = []
    tk = Toolkit(ws, registry=reg, sandbox="SANDBOX", observer=events.append, error_knowledge=None)
    tk.events = events  # type: ignore[attr-defined]
    return tk


def test_files_are_read_through_the_workspace_and_sandbox_is_injected(kit):
    out = kit.call("file_sizes", {"sources": ["a.v"]}, call_id="c1")
    assert out.status == "ok"
    assert '"a.v": 20' in out.text and '"where": "SANDBOX"' in out.text
    assert "wall_s" not in out.text  # volatile fields never reach the model


def test_unknown_tool_lists_available(kit):
    out = kit.call("rm_rf", {})
    assert out.status == "error"
    assert out.text == (
        "unknown tool 'rm_rf'; available tools: boom, file_sizes, huge, long_text, search, where"
    )


@pytest.mark.parametrize(
    ("args", "expect"),
    [
        ({"query": 5}, "query: Input should be a valid string (got 5)"),
        ({"query": "x", "k": "many"}, "k: Input should be a valid integer"),
        ({}, "missing required argument 'query'"),
        ({"query": "x", "rm": True}, "unexpected argument 'rm'"),
        ("just a string", "must be a JSON object"),
        ([1, 2], "must be a JSON object"),
    ],
)
def test_wrong_argument_types_get_a_clear_error(kit, args, expect):
    out = kit.call("search", args)
    assert out.status == "error"
    assert expect in out.text
    assert "Expected: search(query: string, k: integer = 3)" in out.text
    assert len(out.text.splitlines()) == 1


def test_a_200_kb_argument_is_refused_briefly(kit):
    out = kit.call("search", {"query": "q" * 200_000})
    assert out.status == "error" and "at most 4096 characters" in out.text
    assert "a string of 200000 characters" in out.text and len(out.text) < 400
    assert kit.call("long_text", {"text": "x" * 200_000}).text == "200000"  # a declared bound is kept
    out = kit.call("file_sizes", {"sources": ["p" * 200_000]})
    assert out.status == "error" and len(out.text) < 400


@pytest.mark.parametrize("path", ["/etc/passwd", "../../etc/passwd", "hidden/tb.v", "nope.v"])
def test_hostile_or_missing_paths_in_file_arguments(kit, path):
    out = kit.call("file_sizes", {"sources": ["a.v", path]})
    assert out.status == "error"
    assert out.text.startswith("file_sizes: ")
    assert "secret" not in out.text


def test_hidden_file_error_does_not_reveal_it_exists(kit):
    hidden = kit.call("file_sizes", {"sources": ["hidden/tb.v"]}).text
    missing = kit.call("file_sizes", {"sources": ["hidden/none.v"]}).text
    assert hidden.replace("tb.v", "X") == missing.replace("none.v", "X")


def test_path_arguments_resolve_inside_and_the_root_is_scrubbed(kit):
    out = kit.call("where", {"lib": "a.v"})
    assert out.text == "using a.v"
    assert kit.call("where", {"lib": "/etc/hosts"}).status == "error"


def test_tool_exception_becomes_error_text_with_its_first_line(kit):
    out = kit.call("boom", {})
    assert out.status == "error"
    assert out.text == "boom failed (RuntimeError): yosys: ERROR: Module `top' not found!"


def test_output_is_bounded_and_deterministic(kit):
    first = kit.call("huge", {})
    assert len(first.text) <= MAX_OUTPUT_CHARS
    assert "characters left out" in first.text
    assert kit.call("huge", {}).text == first.text


def test_events_pair_start_and_end_with_brief_args(kit):
    kit.call("search", {"query": "hello", "k": 2}, call_id="id-1")
    kit.call("long_text", {"text": "a\nb\n" * 100})
    kit.call("nope", {})
    ev = kit.events
    assert [(e.phase, e.seq, e.tool) for e in ev] == [
        ("start", 1, "search"), ("end", 1, "search"),
        ("start", 2, "long_text"), ("end", 2, "long_text"),
        ("start", 3, "nope"), ("end", 3, "nope"),
    ]  # fmt: skip
    assert ev[1].call_id == "id-1" and ev[1].args == {"query": "hello", "k": "2"}
    assert ev[1].status == "ok" and ev[1].duration_s is not None and ev[1].output_chars == len("2:hello")
    assert ev[3].args == {"text": "<400 chars, 200 lines>"}
    assert ev[5].status == "error" and ev[5].error.startswith("unknown tool 'nope'")


class Stop(Exception):
    pass


def test_budget_hook_is_charged_for_every_call_and_its_exception_propagates(tmp_path, reg):
    charged: list[str] = []
    events: list[ToolEvent] = []

    def charge(name: str) -> None:
        if len(charged) == 2:
            raise Stop("tool-call budget reached: 2 of 2")
        charged.append(name)

    tk = Toolkit(
        Workspace(tmp_path), registry=reg, charge=charge, observer=events.append, error_knowledge=None
    )
    tk.call("search", {"query": "x"})
    tk.call("not_a_tool", {})
    with pytest.raises(Stop):
        tk.call("search", {"query": "y"})
    assert charged == ["search", "not_a_tool"]
    assert events[-1].phase == "end" and events[-1].error == "budget: tool-call budget reached: 2 of 2"


def test_a_failing_observer_does_not_break_calls(tmp_path, reg):
    def observer(event: ToolEvent) -> None:
        raise ValueError("view gone")

    tk = Toolkit(Workspace(tmp_path), registry=reg, observer=observer, error_knowledge=None)
    assert tk.call("search", {"query": "x"}).text == "3:x"


def test_langchain_tools_answer_bad_calls_with_error_tool_messages(kit):
    from helpers import require_module

    require_module("langchain_core")
    tools = {t.name: t for t in kit.langchain_tools()}
    msg = tools["search"].invoke({"type": "tool_call", "name": "search", "args": {"k": "x"}, "id": "t1"})
    assert msg.status == "error" and msg.tool_call_id == "t1"
    assert "missing required argument 'query'" in msg.content
    ok = tools["search"].invoke({"type": "tool_call", "name": "search", "args": {"query": "q"}, "id": "t2"})
    assert (ok.status, ok.content) == ("success", "3:q")
    assert kit.events[-1].call_id == "t2"
    assert tools["search"].invoke({"query": "plain"}) == "3:plain"
    unknown = kit.execute({"name": "nope", "args": {}, "id": "t3"})
    assert unknown.status == "error" and unknown.tool_call_id == "t3" and "available tools" in unknown.content


def test_the_llm_budget_tracker_plugs_in_as_the_charge_hook(tmp_path, reg):
    from chipsmith.llm.budget import Budget, BudgetTracker
    from chipsmith.llm.errors import BudgetExceeded

    tracker = BudgetTracker(Budget(max_tool_calls=2))
    tk = Toolkit(Workspace(tmp_path), registry=reg, charge=tracker.charge_tool_call, error_knowledge=None)
    tk.call("search", {"query": "a"})
    tk.call("search", {"query": "b"})
    with pytest.raises(BudgetExceeded, match="tool-call budget"):
        tk.call("search", {"query": "c"})
    assert tracker.tool_calls == 2


def test_a_broken_tool_call_shape_is_still_answered(kit):
    out = kit.call(None, None)  # type: ignore[arg-type]
    assert out.status == "error" and out.text.startswith("unknown tool 'None'")
    out = kit.call("x" * 100_000, {"a": "b" * 100_000}, call_id=123)  # type: ignore[arg-type]
    assert out.status == "error" and len(out.text) < 400
    assert kit.events[-1].call_id == "123" and len(kit.events[-1].tool) == 200
    msg = kit.execute({"id": "z"})
    assert msg.status == "error" and "unknown tool ''" in msg.content
