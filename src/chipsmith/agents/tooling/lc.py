"""The toolkit's tools as LangChain tools.

Each tool is a ``BaseTool`` whose ``args_schema`` is the JSON schema of the tool's model-facing
arguments. A JSON-schema ``args_schema`` is not validated by LangChain, so every call, valid or
not, reaches ``Toolkit.call``, which validates it, reports events and answers the model with a
clear error instead of raising. Errors come back as ``ToolMessage(status="error")`` through
``ToolException`` and ``handle_tool_error``.
"""

from __future__ import annotations

import contextvars
from typing import Any

from langchain_core.messages import ToolMessage
from langchain_core.tools import BaseTool, ToolException

from chipsmith.agents.tooling.schema import ToolSpec, model_parameters
from chipsmith.agents.tooling.toolkit import Toolkit, ToolOutput

# LangChain passes the tool-call id to run() but not to _run(); events want it.
_CALL_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("chipsmith_tool_call_id", default=None)


class ChipsmithTool(BaseTool):
    """One registered tool, run through a Toolkit."""

    toolkit: Any = None
    handle_tool_error: bool = True

    def run(self, tool_input: Any, *args: Any, tool_call_id: str | None = None, **kwargs: Any) -> Any:
        token = _CALL_ID.set(tool_call_id)
        try:
            return super().run(tool_input, *args, tool_call_id=tool_call_id, **kwargs)
        finally:
            _CALL_ID.reset(token)

    async def arun(self, tool_input: Any, *args: Any, tool_call_id: str | None = None, **kwargs: Any) -> Any:
        token = _CALL_ID.set(tool_call_id)
        try:
            return await super().arun(tool_input, *args, tool_call_id=tool_call_id, **kwargs)
        finally:
            _CALL_ID.reset(token)

    def _run(self, *args: Any, **kwargs: Any) -> str:
        raw: Any = kwargs if not args else args[0]  # a bare string input arrives positionally
        out = self.toolkit.call(self.name, raw, call_id=_CALL_ID.get())
        if out.status == "error":
            raise ToolException(out.text)
        return str(out.text)


def make_tool(toolkit: Toolkit, spec: ToolSpec) -> ChipsmithTool:
    """The LangChain tool for ``spec``, bound to ``toolkit``."""
    return ChipsmithTool(
        name=spec.name,
        description=spec.description,
        args_schema=model_parameters(spec),
        toolkit=toolkit,
    )


def tool_message(out: ToolOutput, call_id: str | None) -> ToolMessage:
    """A toolkit result as the ToolMessage a model receives."""
    status = "error" if out.status == "error" else "success"
    return ToolMessage(content=out.text, tool_call_id=call_id or "", name=out.tool, status=status)
