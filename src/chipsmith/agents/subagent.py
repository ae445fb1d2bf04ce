"""A sub-agent offered to another agent as a tool (the LangChain 1.x supervisor pattern).

    design = subagent_tool("design_rtl", "Write and check a Verilog module from a spec.", run_rtl)
    AgentRuntime(orchestrator_def, handle, toolkit, extra_tools=[design])

``run(request) -> RunResult`` builds and runs the sub-agent (its own AgentDef, toolkit, checker;
usually the same ledger and budget through ``handle.for_agent(name)``). The calling model sees one
bounded text: how the sub-agent stopped, its iterations and usage, and its last reply. A budget
exhausted inside the sub-agent ends the sub-agent with stop reason ``budget``; the caller's next
model call is then refused by the same budget, so the whole session stops cleanly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chipsmith.agents.runtime import RunResult

MAX_REPLY_CHARS = 4000


def summary_text(name: str, result: RunResult, limit: int = MAX_REPLY_CHARS) -> str:
    """Pure: what the calling model is told about a sub-agent's run."""
    from chipsmith.agents.tooling.render import bound

    last = next((m.content for m in reversed(result.transcript.messages) if m.role == "ai" and m.content), "")
    head = (
        f"{name} stopped: {result.stop_reason}"
        + (f" ({result.message})" if result.message else "")
        + f"; {result.iterations} checked answer(s), {result.model_calls} model call(s), "
        f"{result.usage.total_tokens} tokens"
    )
    return head + (f"\nlast reply:\n{bound(last, limit)}" if last else "")


def subagent_tool(name: str, description: str, run: Callable[[str], RunResult]) -> Any:
    """A LangChain tool named ``name`` whose one argument, ``request``, is handed to ``run``."""
    from langchain_core.tools import StructuredTool

    def call(request: str) -> str:
        return summary_text(name, run(request))

    return StructuredTool.from_function(call, name=name, description=description)
