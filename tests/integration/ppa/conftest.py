"""Fixtures for the PPA integration tests: example designs and the ASAP7 library when present."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from helpers import IN_CI

REPO = Path(__file__).parents[3]
EXAMPLES = REPO / "examples" / "ppa"
ASAP7_DEFAULT = REPO / "tests" / "data" / "external" / "asap7" / "asap7sc7p5t_rvt_TT_merged.lib.gz"


def _example(name: str) -> dict[str, bytes]:
    return {name: (EXAMPLES / name).read_bytes()}


@pytest.fixture(scope="session")
def example() -> Callable[[str], dict[str, bytes]]:
    """``example("adder16.v")``: one example design as the sources mapping the tools take."""
    return _example


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture(scope="session")
def asap7_lib() -> Path:
    """The ASAP7 typical library: CHIPSMITH_ASAP7_LIB or tests/data/external (BSD-3, LICENSE beside it)."""
    path = Path(os.environ.get("CHIPSMITH_ASAP7_LIB", ASAP7_DEFAULT))
    if not path.exists():
        if IN_CI:
            pytest.fail(f"ASAP7 library not found at {path} (CI requires it)")
        pytest.skip(f"ASAP7 library not found at {path}; set CHIPSMITH_ASAP7_LIB")
    return path
