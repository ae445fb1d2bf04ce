"""Whether a request was met: pure functions over the request text and the recorded checks.

The orchestrator model never decides this. ``parse_request`` reads what the request asks for
(keyword rules: a testbench, a refactor that must keep behaviour, a PPA goal with or without a
number, a kernel); the model cannot remove a requirement found there. ``decide`` then looks only at
``CheckRecord``s on the final content (SHA-256) of each file the turn changed or checked:

- every design needs a passing functional check: its testbench (not the smoke one) or an
  equivalence proof against a trusted version (the user's own, or one that passed a testbench);
- a refactor needs a passing equivalence proof; each PPA goal a passing ``ppa`` check of that goal;
- a requested testbench must be usable (it passes the design and rejects a design that drives
  nothing); every kernel needs a passing harness check;
- something must have been produced when the request asks for a design or a kernel.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from chipsmith.agents.session_models import CheckRecord, OutcomeStatus

Metric = Literal["area", "delay", "power"]
FileKind = Literal["design", "testbench", "kernel", "other"]
UNITS = {"area": "um2", "delay": "ps", "power": "W"}

_WORD = {
    # a verb asking for work: "what is a FIFO?" asks for none
    "design": r"\b(design|implement|write|create|build|make|generate|refactor|restructure|rewrite|optimi[sz]e|"
    r"add|change|modify|fix|improve|extend)\b",
    "testbench": r"\b(test ?bench|self-checking|verify|verification)\b",
    "equivalence": r"\b(refactor\w*|restructur\w*|equivalen\w*|without chang\w* (its |the )?(behaviou?r|function\w*)|"
    r"(same|keep\w*|preserv\w*) (the )?(same )?(behaviou?r|function\w*))",
    "kernel": r"\b(kernel|triton|cuda|openmp)\b",
}
_RELATIVE = {
    "area": r"\b(smaller|less area|lower area|reduce[sd]? (the )?area|fewer (cells|gates)|minimi[sz]e (the )?area|area)\b",
    "delay": r"\b(faster|lower delay|shorter critical path|reduce[sd]? (the )?delay|critical path|timing|fmax)\b",
    "power": r"\b(less power|lower power|low-power|reduce[sd]? (the )?power|power)\b",
}
_NUMBER = r"(\d+(?:\.\d+)?)"
_BOUNDS = [
    ("area", rf"{_NUMBER}\s*(?:um2|um\^2|µm²|µm2|square microns)", 1.0),
    ("delay", rf"{_NUMBER}\s*ps\b", 1.0),
    ("delay", rf"{_NUMBER}\s*ns\b", 1000.0),
    ("power", rf"{_NUMBER}\s*(?:uw|µw)\b", 1e-6),
    ("power", rf"{_NUMBER}\s*mw\b", 1e-3),
]
_MHZ = rf"{_NUMBER}\s*mhz\b"


class Goal(BaseModel):
    """A PPA goal: ``metric`` at most ``bound`` (absolute), or below the baseline's (``bound`` None)."""

    metric: Metric
    bound: float | None = None

    def key(self) -> str:
        return f"{self.metric}<={self.bound:g}" if self.bound is not None else f"{self.metric}<baseline"

    def text(self) -> str:
        if self.bound is None:
            return f"{self.metric} below the starting design's"
        return f"{self.metric} at most {self.bound:g} {UNITS[self.metric]}"


class Requirements(BaseModel):
    design: bool = False
    testbench: bool = False
    equivalence: bool = False
    kernel: bool = False
    goals: list[Goal] = Field(default_factory=list)

    @property
    def any(self) -> bool:
        return self.design or self.testbench or self.equivalence or self.kernel or bool(self.goals)


def _bounds(text: str) -> dict[str, float]:
    found: dict[str, float] = {}
    for metric, pattern, scale in _BOUNDS:
        if metric not in found and (m := re.search(pattern, text)):
            found[metric] = float(m.group(1)) * scale
    if "delay" not in found and (m := re.search(_MHZ, text)) and float(m.group(1)) > 0:
        found["delay"] = 1e6 / float(m.group(1))  # a clock frequency is a bound on the critical path
    return found


def parse_request(text: str) -> Requirements:
    """Pure: what a request asks for, by keyword rules (documented in docs/sessions.md)."""
    low = text.lower()
    has = {k: bool(re.search(p, low)) for k, p in _WORD.items()}
    bounds = _bounds(low)
    goals = [Goal(metric=m, bound=b) for m, b in bounds.items()]  # type: ignore[arg-type]
    # A bare "area" or "power" names a goal only together with an intent to improve it.
    improve = bool(
        re.search(r"\b(smaller|faster|reduce\w*|minimi[sz]e|lower|less|optimi[sz]e|improve)\b", low)
    )
    for metric, pattern in _RELATIVE.items():
        if metric not in bounds and improve and re.search(pattern, low):
            goals.append(Goal(metric=metric))  # type: ignore[arg-type]
    frequency_only = "delay" in bounds and not re.search(r"\b(ps|ns)\b", low)
    if frequency_only and not re.search(r"\b(timing|meet|fmax|critical path|at least)\b", low):
        goals = [g for g in goals if g.metric != "delay"]  # "a UART from a 50 MHz clock" is not a goal
    return Requirements(
        design=has["design"] and not has["kernel"], testbench=has["testbench"],
        equivalence=has["equivalence"], kernel=has["kernel"], goals=goals,
    )  # fmt: skip


def classify(path: str, text: str) -> FileKind:
    """Pure: what a workspace file is, for the rules above."""
    low = path.lower()
    if low.startswith(("sim/", "reports/")):
        return "other"
    if low.endswith((".v", ".sv")):
        name = low.rsplit("/", 1)[-1]
        is_tb = low.startswith("tb/") or name.startswith("tb_") or "_tb." in name or name.startswith("tb.")
        if is_tb or "$finish" in text or "Mismatches:" in text:
            return "testbench"
        return "design" if re.search(r"^\s*module\b", text, re.M) else "other"
    if low.endswith(".py") and re.search(r"^class ModelNew\b", text, re.M):
        return "kernel"
    return "other"


def latest(checks: list[CheckRecord], path: str, sha: str, kinds: tuple[str, ...]) -> CheckRecord | None:
    """The last check of one of ``kinds`` on this exact content of ``path``."""
    hits = [c for c in checks if c.subject == path and c.subject_sha == sha and c.kind in kinds]
    return hits[-1] if hits else None


class Subject(BaseModel):
    path: str
    sha: str
    kind: FileKind


class Verdict(BaseModel):
    status: OutcomeStatus
    met: bool
    reasons: list[str] = Field(default_factory=list)
    deciding: list[CheckRecord] = Field(default_factory=list)


def _functional(c: CheckRecord) -> bool:
    return c.counts and (c.kind == "testbench" or bool(c.details.get("reference_trusted")))


def _design_reasons(
    s: Subject, reqs: Requirements, checks: list[CheckRecord], used: list[CheckRecord]
) -> list[str]:
    mine = [c for c in checks if c.subject == s.path and c.subject_sha == s.sha]
    out = []
    functional = [c for c in mine if c.kind in ("testbench", "equivalence") and _functional(c)]
    if not functional:
        out.append(f"{s.path}: not verified (no testbench run or equivalence proof on its final content)")
    elif not functional[-1].passed:
        out.append(f"{s.path}: {functional[-1].summary}")
    used += functional[-1:]
    needs: list[tuple[str, tuple[str, ...], str | None]] = []
    if reqs.equivalence:
        needs.append(("an equivalence proof (a refactor was asked for)", ("equivalence",), None))
    needs += [(f"the PPA goal ({g.text()})", ("ppa",), g.key()) for g in reqs.goals]
    for what, kinds, goal in needs:
        hits = [c for c in mine if c.kind in kinds and (goal is None or c.details.get("goal") == goal)]
        if not hits:
            out.append(f"{s.path}: no check of {what}")
        elif not hits[-1].passed:
            out.append(f"{s.path}: {hits[-1].summary}")
        used += hits[-1:]
    return out


def decide(
    reqs: Requirements, subjects: list[Subject], checks: list[CheckRecord], stop_reason: str = ""
) -> Verdict:
    """Pure: the turn's verdict from its requirements, the files it touched and the checks recorded."""
    if stop_reason == "cancelled":
        return Verdict(status="cancelled", met=False, reasons=["the turn was cancelled"])
    reasons: list[str] = []
    used: list[CheckRecord] = []
    designs = [s for s in subjects if s.kind == "design"]
    kernels = [s for s in subjects if s.kind == "kernel"]
    for s in designs:
        reasons += _design_reasons(s, reqs, checks, used)
    for s in kernels:
        c = latest(checks, s.path, s.sha, ("kernel",))
        if c is None or not c.passed:
            reasons.append(
                f"{s.path}: " + (c.summary if c else "no kernel harness check on its final content")
            )
        used += [c] if c else []
    if reqs.testbench and designs:
        tbs = [c for c in checks if c.kind == "testbench_quality" and c.passed]
        if not any(c.details.get("design") in {d.path for d in designs} for c in tbs):
            reasons.append(
                "no usable testbench for the design (one that passes it and rejects a design that drives nothing)"
            )
        used += tbs[-1:]
    if reqs.kernel and not kernels:
        reasons.append("no kernel was produced")
    elif (reqs.design or reqs.testbench or reqs.goals or reqs.equivalence) and not designs and not kernels:
        reasons.append("no design was produced or checked")
    if not designs and not kernels and not reasons:
        return Verdict(
            status="answered", met=False, reasons=["nothing to verify: no design or kernel was produced"]
        )
    met = not reasons
    return Verdict(status="met" if met else "not_met", met=met, reasons=reasons, deciding=used)
