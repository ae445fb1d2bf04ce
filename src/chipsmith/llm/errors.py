"""Errors of the model layer. Each one's message is one line a user can act on."""

from __future__ import annotations


class LLMError(Exception):
    """Base class: anything the model layer reports to a user."""


class ModelSpecError(LLMError, ValueError):
    """A model spec that cannot be parsed, or a setting it needs that is missing."""


class ModelCallError(LLMError):
    """A model call that failed after the client's retries (HTTP error, timeout, bad reply)."""


class ScriptExhaustedError(ModelCallError):
    """A scripted model was asked for more replies than its file holds."""


class LocalModelError(LLMError):
    """The embedded model cannot be served (extra missing, server failed to start)."""


class BudgetExceeded(LLMError):
    """A budget limit would be exceeded by the next model or tool call.

    Raised BEFORE the call; the caller saves what it has and stops. ``limit`` names the limit
    (``tokens``, ``usd``, ``wall_s``, ``model_calls``, ``tool_calls``).
    """

    def __init__(self, limit: str, message: str) -> None:
        super().__init__(message)
        self.limit = limit
