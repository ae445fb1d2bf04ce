"""The toolkit's LangChain tools inside LangChain's own agent loop (create_agent + ToolNode).

The model is scripted (the one thing replaced); the tools, the workspace and the loop are real.
"""

from __future__ import annotations

from typing import Any

import pytest

from helpers import require_module

pytestmark = pytest.mark.integration


def _scripted_model(turns: list[Any]) -> Any:
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel

    class Scripted(GenericFakeChatModel):
        def bind_tools(self, tools: Any, **kwargs: Any) -> Any:  # the fakes have none; tools are not needed
            return self

    return Scripted(messages=iter(turns))


def _call(name: str, args: dict[str, Any], cid: str) -> Any:
    from langchain_core.messages import AIMessage

    return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": cid, "type": "tool_call"}])


def test_create_agent_runs_toolkit_tools_and_survives_bad_calls(tmp_path):
    require_module("langchain")
    from langchain.agents import create_agent
    from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

    from chipsmith.agents.tooling.events import ToolEvent
    from chipsmith.agents.tooling.toolkit import Toolkit
    from chipsmith.agents.workspace import Workspace

    ws = Workspace(tmp_path / "ws")
    ws.write("secret.v", "hidden reference")
    ws.hide("secret.v")
    events: list[ToolEvent] = []
    tk = Toolkit(
        ws, names=["write_file", "read_file", "list_files"], observer=events.append, error_knowledge=None
    )
    turns = [
        _call("write_file", {"path": "rtl/top.v", "content": "module top; endmodule\n"}, "c1"),
        _call("read_file", {"path": "../../etc/passwd"}, "c2"),
        _call("read_file", {"path": "secret.v"}, "c3"),
        _call("read_file", {"path": 42, "start_line": "first"}, "c4"),
        _call("delete_everything", {}, "c5"),
        _call("list_files", {}, "c6"),
        AIMessage(content="done"),
    ]
    agent = create_agent(_scripted_model(turns), tk.langchain_tools())
    state = agent.invoke({"messages": [HumanMessage("write a module")]})
    tool_msgs = {m.tool_call_id: m for m in state["messages"] if isinstance(m, ToolMessage)}
    assert tool_msgs["c1"].content == "created rtl/top.v: 1 line, 22 bytes"
    assert tool_msgs["c2"].status == "error" and "'..'" in tool_msgs["c2"].content
    assert tool_msgs["c3"].status == "error" and "no such file" in tool_msgs["c3"].content
    assert "invalid arguments for read_file" in tool_msgs["c4"].content
    assert "delete_everything" in tool_msgs["c5"].content and tool_msgs["c5"].status == "error"
    assert tool_msgs["c6"].content == "1 file\nrtl/top.v  (22 bytes)"
    assert state["messages"][-1].content == "done"
    ends = [e for e in events if e.phase == "end"]
    assert [(e.call_id, e.status) for e in ends] == [
        ("c1", "ok"),
        ("c2", "error"),
        ("c3", "error"),
        ("c4", "error"),
        ("c6", "ok"),
    ]
