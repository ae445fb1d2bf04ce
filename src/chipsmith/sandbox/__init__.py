"""Sandboxes run tools and generated code. ``get_sandbox(name)`` builds one from the registry."""

from __future__ import annotations

import functools
import os
from typing import Any

from chipsmith.sandbox.base import ExecResult, Limits, Sandbox, SandboxError

__all__ = ["ExecResult", "Limits", "Sandbox", "SandboxError", "get_sandbox"]


def get_sandbox(name: str | None = None, **kwargs: Any) -> Sandbox:
    """The sandbox called ``name`` (default: the configured one, normally ``local``)."""
    from chipsmith.registry import SANDBOXES

    if name is None:
        name = _configured(*_config_inputs())
    return SANDBOXES.get(name)(**kwargs)  # type: ignore[no-any-return]


def _config_inputs() -> tuple[str, str | None, float | None]:
    """What the configured sandbox name depends on: the project dir, the variable, the file's mtime."""
    from chipsmith.config import CONFIG_FILE

    try:
        mtime: float | None = os.stat(CONFIG_FILE).st_mtime
    except OSError:
        mtime = None
    return os.getcwd(), os.environ.get("CHIPSMITH_SANDBOX"), mtime


@functools.lru_cache(maxsize=8)
def _configured(_cwd: str, _env: str | None, _mtime: float | None) -> str:
    # Loading the settings costs ~5 ms; tools ask for the default sandbox on every call.
    from chipsmith.config import load_settings

    return load_settings().sandbox
