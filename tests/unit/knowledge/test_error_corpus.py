"""Every error entry of the bundled corpus quotes a message its tool really printed here."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "src" / "chipsmith" / "knowledge" / "corpus" / "errors"
RECORDED = ROOT / "tests" / "data" / "knowledge" / "errors"
_ENTRY = re.compile(r"^## (.+?)\n(.*?)(?=^## |\Z)", re.MULTILINE | re.DOTALL)


def entries() -> list[tuple[str, str, list[str]]]:
    """(title, recorded case, quoted message lines) for each error entry."""
    out = []
    for md in sorted(CORPUS.glob("*.md")):
        for m in _ENTRY.finditer(md.read_text()):
            case = re.search(r"Recorded case: `([\w]+)`", m.group(2))
            block = re.search(r"```text\n(.*?)```", m.group(2), re.DOTALL)
            assert case and block, f"{md.name}: entry {m.group(1)!r} lacks a recorded case or message block"
            lines = [ln.strip() for ln in block.group(1).splitlines() if ln.strip()]
            out.append((m.group(1), case.group(1), lines))
    return out


def test_at_least_forty_entries_across_five_tools() -> None:
    found = entries()
    assert len(found) >= 40
    tools = {case.split("_")[0] for _, case, _ in found}
    assert tools == {"iverilog", "verilator", "yosys", "nvcc", "triton"}
    assert len({case for _, case, _ in found}) == len(found), "two entries cite the same recording"


@pytest.mark.parametrize(
    ("title", "case", "lines"), entries(), ids=lambda v: v if isinstance(v, str) else None
)
def test_quoted_message_is_in_the_recording(title: str, case: str, lines: list[str]) -> None:
    recorded = (RECORDED / case / "output.txt").read_text()
    assert lines, f"{title}: empty message block"
    for line in lines:
        assert line in recorded, f"{title}: {line!r} not in {case}/output.txt"
