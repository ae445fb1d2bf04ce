"""Usage ledger: one record per model call and per tool call, summed per agent, session or run.

A ledger lives in memory and, when given a path, also appends each record as one JSON line, so
a session or a bench job keeps its usage even if the process dies. Summaries add up (``+``), which
is how a bench run totals the ledgers of its jobs.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, TypeAdapter


class ModelCallRecord(BaseModel):
    """One model call, or one reply served from the response cache (``cached``)."""

    kind: Literal["model"] = "model"
    model: str
    """The spec text, e.g. ``openai:gpt-4o-mini``, ``local``, ``scripted:replies.yaml``."""
    agent: str = "default"
    real: bool = True
    """False for scripted replay: the reply came from a file, not a model."""
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    """Prompt tokens the provider served from its own prompt cache (cheaper)."""
    cached: bool = False
    """Served from chipsmith's response cache: no model call, zero cost."""
    cost_usd: float | None = None
    """None when the model's price is unknown (never a silent 0)."""
    wall_s: float = 0.0
    error: str | None = None
    at: float = Field(default_factory=time.time)


class ToolCallRecord(BaseModel):
    """One tool call an agent made (charged against the tool-call budget)."""

    kind: Literal["tool"] = "tool"
    tool: str
    agent: str = "default"
    at: float = Field(default_factory=time.time)


Record = Annotated[ModelCallRecord | ToolCallRecord, Field(discriminator="kind")]
_RECORD = TypeAdapter(Record)


class UsageSummary(BaseModel):
    """Totals over some records. Tokens and cost count real calls only, not cache hits."""

    model_calls: int = 0
    cached_calls: int = 0
    failed_calls: int = 0
    tool_calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float | None = 0.0
    """None when any call's price is unknown; ``priced_cost_usd`` then sums the known part."""
    priced_cost_usd: float = 0.0
    model_wall_s: float = 0.0
    all_real: bool = True
    """False when any reply came from a scripted file."""

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens

    def __add__(self, other: UsageSummary) -> UsageSummary:
        cost = None if self.cost_usd is None or other.cost_usd is None else self.cost_usd + other.cost_usd
        return UsageSummary(
            model_calls=self.model_calls + other.model_calls,
            cached_calls=self.cached_calls + other.cached_calls,
            failed_calls=self.failed_calls + other.failed_calls,
            tool_calls=self.tool_calls + other.tool_calls,
            input_tokens=self.input_tokens + other.input_tokens,
            output_tokens=self.output_tokens + other.output_tokens,
            cost_usd=cost,
            priced_cost_usd=self.priced_cost_usd + other.priced_cost_usd,
            model_wall_s=self.model_wall_s + other.model_wall_s,
            all_real=self.all_real and other.all_real,
        )

    def cost_text(self) -> str:
        """``$0.0123``, or ``unknown`` (with the priced part) when a price is missing."""
        if self.cost_usd is not None:
            return f"${self.cost_usd:.4f}"
        return f"unknown (>= ${self.priced_cost_usd:.4f}; add the model to llm_prices)"


def summarize(records: Iterable[ModelCallRecord | ToolCallRecord]) -> UsageSummary:
    """Sum ``records``; a cache hit counts as a cached call with no tokens or cost."""
    total = UsageSummary()
    for rec in records:
        total = total + _one(rec)
    return total


def _one(rec: ModelCallRecord | ToolCallRecord) -> UsageSummary:
    if isinstance(rec, ToolCallRecord):
        return UsageSummary(tool_calls=1)
    if rec.cached:
        return UsageSummary(cached_calls=1, all_real=rec.real)
    return UsageSummary(
        model_calls=1,
        failed_calls=int(rec.error is not None),
        input_tokens=rec.input_tokens,
        output_tokens=rec.output_tokens,
        cost_usd=rec.cost_usd,
        priced_cost_usd=rec.cost_usd or 0.0,
        model_wall_s=rec.wall_s,
        all_real=rec.real,
    )


class Ledger:
    """Thread-safe list of records, optionally appended to a JSONL file as they come."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self._records: list[ModelCallRecord | ToolCallRecord] = []
        self._lock = threading.Lock()

    def add(self, record: ModelCallRecord | ToolCallRecord) -> None:
        with self._lock:
            self._records.append(record)
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                # One write per line with O_APPEND: lines from several processes do not interleave.
                with self.path.open("a", encoding="utf-8") as fh:
                    fh.write(record.model_dump_json() + "\n")

    @property
    def records(self) -> list[ModelCallRecord | ToolCallRecord]:
        with self._lock:
            return list(self._records)

    def summary(self, agent: str | None = None) -> UsageSummary:
        """Totals over every record, or over one agent's."""
        return summarize(r for r in self.records if agent is None or r.agent == agent)

    def by_agent(self) -> dict[str, UsageSummary]:
        agents = sorted({r.agent for r in self.records})
        return {a: self.summary(a) for a in agents}

    @classmethod
    def load(cls, path: Path) -> Ledger:
        """Read a JSONL ledger back (later lines keep being appended to the same file).

        A torn last line (a process killed mid-write) is skipped, not fatal.
        """
        ledger = cls(path)
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    ledger._records.append(_RECORD.validate_json(line))
                except ValueError:
                    continue
        return ledger
