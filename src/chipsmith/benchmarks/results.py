"""The results store of one run: a JSONL file with one record per (task, sample), appended atomically.

Each record is written with a single ``os.write`` of a complete line to a file opened with
``O_APPEND``, then ``fsync``ed, so a process killed at any moment leaves at most one torn last line.
Readers ignore that line, and opening the store for appending cuts it off first, so a resumed run
never glues a new record onto a fragment.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

# Fields that differ between two runs of the same work (compared away by tests and by `diff`).
TIMING_FIELDS = ("solve_s", "eval_s", "finished_at")


class RunRecord(BaseModel):
    """One evaluated (task, sample)."""

    run_id: str
    task: str
    suite: str
    kind: str = "rtl"
    category: str = "misc"
    subcategory: str | None = None
    difficulty: str = "medium"
    agent: str
    model: str | None = None
    spec_level: str = "detailed"
    """The spec the agent saw (detailed | high); records written before levels existed read as detailed."""
    sample: int
    verdict: str
    """pass | fail | unusable."""
    failure_class: str
    message: str = ""
    metrics: dict[str, Any] = Field(default_factory=dict)
    tokens: int = 0
    cost_usd: float | None = 0.0
    """Model cost in USD; None when a price is unknown (never a silent 0)."""
    model_label: str | None = None
    """LLM agents: the model label, with the scripted/embedded-model notice where there is one."""
    model_real: bool | None = None
    """False when the replies were scripted (replayed from a file), not a model's."""
    input_tokens: int | None = None
    output_tokens: int | None = None
    model_calls: int | None = None
    cached_calls: int | None = None
    tool_calls: int | None = None
    iterations: int | None = None
    stop_reason: str | None = None
    iteration_verdicts: list[dict[str, Any]] = Field(default_factory=list)
    """Per answer: the hidden testbench's verdict on it and on what a stop there would submit."""
    transcript: str | None = None
    agent_report: dict[str, Any] | None = None
    """Agent-specific results an agent reports in ``meta["agent"]["report"]`` (the synthesis agent:
    PPA before/after, its steps and how the submitted design was verified)."""
    solve_s: float = 0.0
    eval_s: float = 0.0
    finished_at: float = 0.0
    tool_versions: dict[str, str] = Field(default_factory=dict)

    @property
    def key(self) -> tuple[str, int]:
        return (self.task, self.sample)


class ResultStore:
    """Append-only JSONL results of one run (``<home>/runs/<run-id>/results.jsonl``)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _drop_torn_tail(self) -> None:
        """Cut a last line that has no newline (a write interrupted by a kill)."""
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            keep = data.rfind(b"\n") + 1
            with self.path.open("r+b") as fh:
                fh.truncate(keep)
                os.fsync(fh.fileno())

    def open_for_append(self) -> None:
        """Prepare to append: create the directory, remove a torn tail."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._drop_torn_tail()

    def append(self, record: RunRecord) -> None:
        """Write one complete line in one system call, then flush it to disk."""
        line = (record.model_dump_json() + "\n").encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            written = os.write(fd, line)
            if written != len(line):  # a short write to a regular file means the disk is full
                raise OSError(f"short write to {self.path} ({written} of {len(line)} bytes)")
            os.fsync(fd)
        finally:
            os.close(fd)

    def read(self) -> list[RunRecord]:
        """Every complete record, first one per (task, sample); torn or garbled lines are skipped."""
        return parse_records(self.path.read_text(errors="replace") if self.path.exists() else "")

    def done_keys(self) -> set[tuple[str, int]]:
        return {r.key for r in self.read()}


def parse_records(text: str) -> list[RunRecord]:
    """Pure: JSONL text -> records, skipping lines that are not complete valid records."""
    seen: set[tuple[str, int]] = set()
    out: list[RunRecord] = []
    for line in text.splitlines():
        try:
            rec = RunRecord.model_validate(json.loads(line))
        except ValueError:
            continue
        if rec.key not in seen:
            seen.add(rec.key)
            out.append(rec)
    return out


def comparable(record: RunRecord) -> dict[str, Any]:
    """The record without the fields that vary between identical runs (timings, run id)."""
    data = record.model_dump(exclude={*TIMING_FIELDS, "run_id"})
    data["metrics"] = {k: v for k, v in data["metrics"].items() if not k.endswith("wall_s")}
    return data
