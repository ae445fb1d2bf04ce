"""Fixtures shared by every test tier. Helpers to import live in tests/helpers.py."""

from __future__ import annotations

import pytest


@pytest.fixture
def local_sandbox():
    from chipsmith.sandbox.local import LocalSandbox

    return LocalSandbox()


@pytest.fixture
def loopback_llm():
    """A loopback OpenAI-compatible server with scripted behaviours (tests/loopback_llm.py)."""
    from loopback_llm import LoopbackLLM

    with LoopbackLLM() as srv:
        yield srv
