"""Sandboxes run tools and generated code. ``get_sandbox(name)`` builds one from the registry."""

from __future__ import annotations

from typing import Any

from chipsmith.sandbox.base import ExecResult, Limits, Sandbox, SandboxError

__all__ = ["ExecResult", "Limits", "Sandbox", "SandboxError", "get_sandbox"]


def get_sandbox(name: str | None = None, **kwargs: Any) -> Sandbox:
    """The sandbox called ``name`` (default: the configured one, normally ``local``)."""
    from chipsmith.registry import SANDBOXES

    if name is None:
        from chipsmith.config import load_settings

        name = load_settings().sandbox
    return SANDBOXES.get(name)(**kwargs)  # type: ignore[no-any-return]
