"""Fixtures shared by every test tier. Helpers to import live in tests/helpers.py."""

from __future__ import annotations

import pytest


@pytest.fixture
def local_sandbox():
    from chipsmith.sandbox.local import LocalSandbox

    return LocalSandbox()
