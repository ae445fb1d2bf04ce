"""Equivalence mode: with a reference design (a refactor, a PPA change), prove instead of simulate.

A testbench only samples behaviour; when the intended behaviour is an existing design, the
equivalence tool (yosys miter + SAT, temporal induction for sequential designs) answers for all
inputs. ``prove_refactor`` wraps it in a verdict a user or a model can read; a design the tool
cannot read, or ports that differ, is an ``error`` verdict with one line, never an exception.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel

EquivVerdictStatus = Literal["equivalent", "different", "unknown", "error"]
MAX_CEX_CYCLES = 12


class EquivVerdict(BaseModel):
    """The equivalence check of a design against its reference."""

    status: EquivVerdictStatus
    message: str
    method: str | None = None
    """``sat-comb``, ``induction`` or ``bmc`` (bounded only: ``unknown``)."""
    depth: int | None = None
    counterexample: list[dict[str, str]] | None = None
    wall_s: float = 0.0

    @property
    def passed(self) -> bool:
        return self.status == "equivalent"


def prove_refactor(
    reference: dict[str, str],
    design: dict[str, str],
    *,
    top: str | None = None,
    depth: int = 20,
    sandbox: Any = None,
    timeout_s: float = 120,
) -> EquivVerdict:
    """Prove ``design`` (file name -> text) equivalent to ``reference``, or show where they differ."""
    from chipsmith.tools.equivalence import EquivError, check_equivalence

    if not any(s.strip() for s in design.values()):
        return EquivVerdict(status="error", message="the design has no source")
    try:
        res = check_equivalence(
            {n: s.encode() for n, s in reference.items()},
            {n: s.encode() for n, s in design.items()},
            top=top,
            depth=depth,
            sandbox=sandbox,
            timeout_s=timeout_s,
        )
    except EquivError as exc:
        return EquivVerdict(status="error", message=f"equivalence could not be checked: {exc}")
    status: EquivVerdictStatus = (
        "unknown" if res.equivalent is None else ("equivalent" if res.equivalent else "different")
    )
    return EquivVerdict(
        status=status,
        message=res.message,
        method=res.method,
        depth=res.depth,
        counterexample=res.counterexample,
        wall_s=res.wall_s,
    )


def render_verdict(v: EquivVerdict, max_cycles: int = MAX_CEX_CYCLES) -> str:
    """Pure: the verdict as text; a counterexample as one line per cycle (differing cycles marked)."""
    head = {
        "equivalent": f"EQUIVALENT ({v.method}): {v.message}",
        "different": f"NOT EQUIVALENT ({v.method}): {v.message}",
        "unknown": f"UNKNOWN ({v.method}, bounded to depth {v.depth}): {v.message}",
        "error": f"ERROR: {v.message}",
    }[v.status]
    lines = [head]
    for i, step in enumerate((v.counterexample or [])[:max_cycles]):
        mark = "!" if step.get("trigger") == "1" else " "
        values = " ".join(f"{k}={val}" for k, val in step.items() if k != "trigger")
        lines.append(f"  cycle {i}{mark} {values}")
    if v.counterexample and len(v.counterexample) > max_cycles:
        lines.append(f"  ({len(v.counterexample) - max_cycles} more cycles)")
    return "\n".join(lines)
