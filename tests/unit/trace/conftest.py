"""Recorded inputs of the tracer's pure parts (re-record with ``sh record.sh`` in tests/data/trace)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "data" / "trace"


@pytest.fixture
def rec() -> Callable[[str], bytes]:
    """A recorded file (VCD, front-end XML, log) by name."""
    return lambda name: (DATA / "rec" / name).read_bytes()


@pytest.fixture
def src() -> Callable[..., dict[str, str]]:
    """Source files by name, as a name -> text map."""
    return lambda *names: {n: (DATA / "src" / n).read_text() for n in names}


@pytest.fixture
def acc_bug(rec, src):
    """The accumulator with a dropped bit: waves, front-end model and sources of its failing run."""
    from chipsmith.tools.trace._frontend import parse_design_xml
    from chipsmith.tools.trace._waves import read_vcd

    sources = src("acc8_tb.sv", "acc8_bug.v")
    model = parse_design_xml(rec("acc8_bug.xml").decode(), None, sources)
    return read_vcd(rec("acc8_bug.vcd")), model, sources
