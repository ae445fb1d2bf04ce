"""Budget enforcement for agents built with LangChain's ``create_agent``.

LangChain's ``ModelCallLimitMiddleware`` and ``ToolCallLimitMiddleware`` count calls only; tokens,
USD and wall time are chipsmith's ``BudgetTracker``. Model calls are already checked by the model
wrapper itself, so this middleware adds what the wrapper cannot see: each tool call is charged (and
recorded in the ledger) before it runs, and the wall-time limit is checked before each model turn.
``BudgetExceeded`` propagates out of ``agent.invoke``; with a checkpointer the state so far is saved.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from langchain.agents.middleware import AgentMiddleware

from chipsmith.llm.handle import ModelHandle


class BudgetMiddleware(AgentMiddleware):
    """``create_agent(handle.model, tools, middleware=[BudgetMiddleware(handle)])``."""

    def __init__(self, handle: ModelHandle) -> None:
        super().__init__()
        self.handle = handle

    def before_model(self, state: Any, runtime: Any) -> dict[str, Any] | None:
        self.handle.budget.check_time()
        return None

    async def abefore_model(self, state: Any, runtime: Any) -> dict[str, Any] | None:
        return self.before_model(state, runtime)

    def wrap_tool_call(self, request: Any, handler: Callable[[Any], Any]) -> Any:
        self.handle.charge_tool_call(request.tool_call["name"])
        return handler(request)

    async def awrap_tool_call(self, request: Any, handler: Callable[[Any], Awaitable[Any]]) -> Any:
        self.handle.charge_tool_call(request.tool_call["name"])
        return await handler(request)
