"""Shared test helpers: a missing tool skips locally with a reason and fails in CI (CI=true)."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_tool(*names: str) -> None:
    """Skip (locally) or fail (in CI) when an external binary is missing."""
    missing = [n for n in names if shutil.which(n) is None]
    if missing:
        msg = f"missing tool(s): {', '.join(missing)}"
        if IN_CI:
            pytest.fail(msg + " (CI requires every tool)")
        pytest.skip(msg)


def require_module(name: str) -> None:
    """Skip (locally) or fail (in CI) when an optional Python module is missing."""
    if importlib.util.find_spec(name) is None:
        if IN_CI:
            pytest.fail(f"missing python module {name} (CI requires every extra)")
        pytest.skip(f"missing python module {name}")


def shared_external() -> Path:
    """The problems written for this project in published layouts (VerilogEval, RTLLM, KernelBench)
    and the ASAP7 library, kept in ``tests/data/external`` (a clone anywhere has them), or
    ``CHIPSMITH_SHARED_EXTERNAL``. Tests only: the product never reads it."""
    env = os.environ.get("CHIPSMITH_SHARED_EXTERNAL")
    return Path(env) if env else Path(__file__).resolve().parent / "data" / "external"


def require_shared_external() -> Path:
    """``shared_external()``, skipping (locally) or failing (in CI) when it is not there."""
    root = shared_external()
    if not root.is_dir():
        msg = f"shared external problems not found at {root}"
        if IN_CI:
            pytest.fail(msg + " (CI requires them; set CHIPSMITH_SHARED_EXTERNAL)")
        pytest.skip(msg)
    return root
