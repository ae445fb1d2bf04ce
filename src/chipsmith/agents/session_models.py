"""The session API's data: what the chat REPL and the web app receive and read (pure pydantic).

A design session is a conversation with the orchestrator over one workspace. Sending a message
starts a *turn*; while it runs, the session yields ``SessionEvent``s (model text chunks, tool calls
with their brief arguments, durations and verdicts, checks, usage); the last event of a turn is its
``Outcome``: whether the request was met, decided in code from the recorded ``CheckRecord``s, never
from the model's words. See docs/sessions.md for the event kinds and their fields.
"""

from __future__ import annotations

import time
from typing import Any, Literal

from pydantic import BaseModel, Field

EventKind = Literal[
    "turn_start",
    "retrieval",
    "text",
    "model",
    "tool_start",
    "tool_end",
    "progress",
    "check",
    "usage",
    "notice",
    "outcome",
    "error",
]
OutcomeStatus = Literal["met", "not_met", "answered", "cancelled", "error"]
CheckKind = Literal["testbench", "testbench_quality", "equivalence", "ppa", "kernel", "smoke"]


class SessionEvent(BaseModel):
    """One thing that happened during a turn, in order (``seq`` counts within the session).

    ``data`` by ``kind`` (all JSON-safe):

    - ``turn_start``: request, model (label), notice (local/scripted model notice or null)
    - ``retrieval``: sources: [{source, section, score}] (user documents found for the request)
    - ``text``: delta (a chunk of the orchestrator's reply; the whole reply when it did not stream)
    - ``model``: text (preview), tool_calls (names), input_tokens, output_tokens (one model reply)
    - ``tool_start``: call (pairs start and end), tool, args (each argument in brief)
    - ``tool_end``: call, tool, status (ok | fail | error), verdict, error, duration_s
    - ``progress``: text (a sub-agent's one-line step summary, e.g. its checker's verdict)
    - ``check``: a ``CheckRecord`` (a check the orchestrator ran and recorded)
    - ``usage``: a ``UsageInfo`` of the whole session so far
    - ``notice``: text (e.g. "a dangling tool call from an interrupted turn was closed")
    - ``outcome``: an ``Outcome`` (always the turn's last event)
    - ``error``: message (one line; an ``outcome`` with status ``error`` follows)
    """

    kind: EventKind
    session: str
    turn: int
    seq: int = 0
    at: float = Field(default_factory=time.time)
    agent: str = "orchestrator"
    """Who produced it: the orchestrator, or the sub-agent (rtl, verify, synth, kernel) it called."""
    depth: int = 0
    """0: the orchestrator's own step; 1: inside a sub-agent called by the orchestrator."""
    data: dict[str, Any] = Field(default_factory=dict)


class CheckRecord(BaseModel):
    """A check run on a workspace file, as recorded (``checks.jsonl``). ``Outcome.met`` reads these."""

    id: str
    turn: int
    kind: CheckKind
    subject: str
    """Workspace path of what was checked (a design, a kernel, a testbench)."""
    subject_sha: str
    """SHA-256 of the subject's content when checked: a check applies to that content only."""
    passed: bool
    counts: bool = True
    """False for checks that prove nothing of the spec (the smoke testbench)."""
    summary: str
    """One line, e.g. ``testbench tb/adder8_tb.sv on rtl/adder8.v: pass (0 mismatches in 264 samples)``."""
    by: str = "orchestrator"
    """``orchestrator`` (a tool the model called) or ``final`` (the code's own check at the turn's end)."""
    details: dict[str, Any] = Field(default_factory=dict)
    """kind-specific: testbench/tb_top/mismatches/samples/vcd/first_mismatch_time/differing/trace;
    reference/method/counterexample; metric/value/bound/baseline/area_um2/delay_ps/power_w;
    reference/backend/failure_class/speedup."""
    at: float = Field(default_factory=time.time)


class UsageInfo(BaseModel):
    """Model and tool usage against the session's budget (real calls only; cache hits are free)."""

    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = 0.0
    """None when a model's price is unknown (never a silent 0)."""
    model_calls: int = 0
    cached_calls: int = 0
    tool_calls: int = 0
    wall_s: float = 0.0
    """Time spent in turns (resumed sessions add up)."""
    limits: dict[str, Any] = Field(default_factory=dict)
    """The budget: max_tokens, max_usd, max_wall_s, max_model_calls, max_tool_calls (None: no limit)."""

    @property
    def tokens(self) -> int:
        return self.input_tokens + self.output_tokens


class FileChange(BaseModel):
    path: str
    status: Literal["added", "modified", "deleted"]
    size: int = 0
    sha: str = ""


class Citation(BaseModel):
    """A user document (added with ``chipsmith kb add``) retrieved for the request."""

    source: str
    section: str = ""
    score: float = 0.0


class PpaFigures(BaseModel):
    """Synthesis figures of one design version (bundled library unless the settings name another)."""

    design: str
    sha: str = ""
    top: str | None = None
    area_um2: float | None = None
    delay_ps: float | None = None
    power_w: float | None = None
    baseline: dict[str, Any] | None = None
    """The same figures of the version it is compared with, when there is one."""
    goal: str | None = None
    passed: bool | None = None
    check_id: str | None = None


class Outcome(BaseModel):
    """How a turn ended. ``met`` is computed from the recorded checks (docs/sessions.md, rules)."""

    session: str
    turn: int
    request: str
    status: OutcomeStatus
    met: bool
    reasons: list[str] = Field(default_factory=list)
    """Why it is not met, one line each (empty when met)."""
    answer: str = ""
    """The orchestrator model's final reply (its own words: not evidence)."""
    report: str = ""
    """The evidence the code wrote: checks run, PPA, files, sources, the verdict."""
    checks: list[CheckRecord] = Field(default_factory=list)
    """The checks that decided (the latest of each kind per file changed in this turn)."""
    files: list[FileChange] = Field(default_factory=list)
    ppa: list[PpaFigures] = Field(default_factory=list)
    sources: list[Citation] = Field(default_factory=list)
    stop_reason: str = ""
    stop_message: str = ""
    model: str = ""
    notice: str | None = None
    workspace: str = ""
    usage: UsageInfo = Field(default_factory=UsageInfo)
    """The whole session's usage at the end of this turn."""
    started: float = 0.0
    finished: float = Field(default_factory=time.time)


class SessionInfo(BaseModel):
    """A session as listed (``session.json``)."""

    id: str
    title: str = ""
    model: str = ""
    """The model spec the session was created with (resume uses it unless told otherwise)."""
    workspace: str
    created: float = Field(default_factory=time.time)
    updated: float = Field(default_factory=time.time)
    turns: int = 0
    status: Literal["idle", "running", "interrupted"] = "idle"
    """running: a turn is in progress in process ``pid``; interrupted: that process died mid-turn."""
    pid: int | None = None
    last_status: OutcomeStatus | None = None
    budget: dict[str, Any] = Field(default_factory=dict)
    agent_models: dict[str, str] = Field(default_factory=dict)
    """A model spec per sub-agent (rtl, verify, ...) where it differs from the session's."""
    wall_s: float = 0.0


class FileInfo(BaseModel):
    path: str
    size: int
    sha: str
    versions: int = 1


class FileVersion(BaseModel):
    """One recorded content of a workspace file (``versions.jsonl``; content under ``versions/``)."""

    path: str
    sha: str
    size: int
    turn: int
    origin: Literal["user", "session"] = "session"
    """user: found in the workspace before the session wrote it; session: written by the agents."""
    at: float = Field(default_factory=time.time)


class SimulationInfo(BaseModel):
    """The last testbench run of a design (what the chat's /wave and the web app's waveform show)."""

    check_id: str
    design: str
    testbench: str
    tb_top: str
    passed: bool
    message: str
    mismatches: int | None = None
    samples: int | None = None
    vcd: str | None = None
    """Workspace path of the waveform (``sim/<top>.vcd``), when one was written."""
    first_mismatch_time: int | None = None
    """In the VCD's time unit (``timescale``)."""
    first_mismatch_cycle: int | None = None
    timescale: str = ""
    differing: list[dict[str, Any]] = Field(default_factory=list)
    """Outputs that differed at the first mismatch: signal, got, expected."""
    trace: str = ""
    """The waveform tracer's report (bounded text)."""
