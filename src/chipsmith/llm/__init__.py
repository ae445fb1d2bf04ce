"""The model layer: model specs -> LangChain chat models with usage, cost, budgets and a cache.

Entry point: ``open_model(spec, ...)`` -> ``ModelHandle`` (``.model`` is a LangChain chat model).
Importing this package is cheap; LangChain loads when a model is opened. See docs/llm.md.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "open_model": "chipsmith.llm.handle",
    "ModelHandle": "chipsmith.llm.handle",
    "Budget": "chipsmith.llm.budget",
    "BudgetTracker": "chipsmith.llm.budget",
    "Ledger": "chipsmith.llm.ledger",
    "UsageSummary": "chipsmith.llm.ledger",
    "ModelCallRecord": "chipsmith.llm.ledger",
    "ModelSpec": "chipsmith.llm.spec",
    "parse_spec": "chipsmith.llm.spec",
    "extract_code_blocks": "chipsmith.llm.textproto",
    "CodeBlock": "chipsmith.llm.textproto",
    "FileTool": "chipsmith.llm.textproto",
    "LLMError": "chipsmith.llm.errors",
    "BudgetExceeded": "chipsmith.llm.errors",
    "ModelSpecError": "chipsmith.llm.errors",
    "ModelCallError": "chipsmith.llm.errors",
    "LocalModelError": "chipsmith.llm.errors",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'chipsmith.llm' has no attribute {name!r}")
