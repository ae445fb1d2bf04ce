"""The synthesis agent's steps and its PPA table, and what it reads in a reply besides the code.
Pure functions only.

Each checked reply is one ``Step``: the change the model described, how it was checked (the
equivalence tool, or the testbench for a declared latency change), whether it was kept, and the
default flow's area, delay and power before (the design it had to beat) and after.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel

from chipsmith.llm.textproto import extract_code_blocks

_CHANGE_RE = re.compile(r"^\s*\**change\**\s*:\s*\**\s*(.+)$", re.I | re.M)
_LATENCY_RE = re.compile(r"^\s*latency[ _-]?change\s*:\s*(yes|true|\+?\d+)", re.I | re.M)
_FENCED_RE = re.compile(r"```.*?(?:```|\Z)", re.S)
_DONE_RE = re.compile(r"\bno (?:further|more) (?:changes?|improvements?)\b", re.I)
CHANGE_CHARS = 100
FIGURES = (("area_um2", "area um^2", ".3f"), ("delay_ps", "delay ps", ".1f"), ("power_w", "power W", ".4g"))


class Step(BaseModel):
    """One checked proposal."""

    step: int
    change: str = ""
    """The change as the model described it (one line)."""
    check: str = ""
    """How it was checked and the answer (``equivalent (sat-comb)``, ``NOT equivalent``, ``testbench
    passed``...), or what stopped it before a check (``no code``, ``lint``, ``interface``...)."""
    verified: bool = False
    kept: bool = False
    reason: str = ""
    """Why it was kept or rejected (one line)."""
    before: dict[str, float | None] | None = None
    """Figures of the design it had to beat (the best kept so far)."""
    after: dict[str, float | None] | None = None
    latency_change: bool = False
    files: dict[str, str] | None = None


def change_line(text: str) -> str:
    """Pure: the change a reply describes: its ``CHANGE:`` line, else its first line of prose."""
    if m := _CHANGE_RE.search(text):
        return _short(m.group(1))
    prose = _FENCED_RE.sub("", text)
    for line in prose.splitlines():
        line = line.strip().strip("`").strip()
        if line and not line.lower().startswith(("```", "latency")) and not line.startswith("//"):
            return _short(line)
    return ""


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= CHANGE_CHARS else text[: CHANGE_CHARS - 3] + "..."


def declares_latency_change(text: str) -> bool:
    """Pure: the reply says its change alters the latency (``LATENCY CHANGE: yes``)."""
    return bool(_LATENCY_RE.search(text))


def says_done(text: str) -> bool:
    """Pure: the reply says there is nothing more to improve (and holds no code)."""
    return bool(_DONE_RE.search(text)) and not extract_code_blocks(text) and "endmodule" not in text


def pct(after: float | None, before: float | None) -> str:
    """Pure: relative change in percent (``-12.5%``), empty when either side is missing."""
    if after is None or before is None or before == 0:
        return ""
    return f"{(after / before - 1) * 100:+.1f}%"


def _cell(before: dict[str, Any] | None, after: dict[str, Any] | None, field: str, spec: str) -> str:
    b = (before or {}).get(field)
    a = (after or {}).get(field)
    if b is None and a is None:
        return "-"
    shown = f"{'-' if b is None else format(b, spec)} -> {'-' if a is None else format(a, spec)}"
    delta = pct(a, b)
    return f"{shown} ({delta})" if delta else shown


def steps_table(steps: list[Step]) -> str:
    """Pure: the steps as a Markdown table (step, change, check, area/delay/power before -> after, kept)."""
    head = ["step", "change", "check"] + [label for _, label, _ in FIGURES] + ["kept"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for s in steps:
        cells = [str(s.step), _cell_text(s.change or "-"), _cell_text(s.check or "-")]
        cells += [_cell(s.before, s.after, field, spec) for field, _, spec in FIGURES]
        cells.append("yes" if s.kept else f"no: {_cell_text(s.reason)}" if s.reason else "no")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _cell_text(text: str) -> str:
    return text.replace("|", "/").replace("\n", " ")


def summary_line(s: Step) -> str:
    """Pure: one line per step for events and the transcript."""
    verdict = "kept" if s.kept else "rejected"
    return f"step {s.step}: {verdict} ({s.check or 'no check'}){': ' + s.reason if s.reason else ''}"
