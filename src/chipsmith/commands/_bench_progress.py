"""Rich progress for `bench run`: a bar with ETA and the running pass rate, and the final summary."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn


def pass_rate_text(records: list[Any]) -> str:
    """The summary's pass@1 over the records so far (mean over usable tasks of each task's share of
    passing samples), and how many tasks are unusable: a task whose reference fails is no failure."""
    from chipsmith.benchmarks.metrics import mean_pass_at_k, task_stats

    rate = mean_pass_at_k(task_stats(records), 1)
    unusable = len({r.task for r in records if r.verdict == "unusable"})
    text = "-" if rate is None else f"{rate:.0%}"
    return f"{text} ({unusable} unusable)" if unusable else text


class RunProgress:
    """Context manager the runner reports to; silent when disabled (``--json``).

    The bar is created only once the work is known, so an error before that stays one line.
    """

    def __init__(self, enabled: bool = True) -> None:
        self.console = Console(stderr=True)
        self.enabled = enabled
        self.records: list[Any] = []
        self.rate = "-"
        self.bar: Progress | None = None
        self.task_id: Any = None

    def __enter__(self) -> RunProgress:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self.bar is not None:
            self.bar.stop()

    def start(self, total: int, already: int) -> None:
        if not self.enabled:
            return
        if already:
            self.console.print(f"resuming: {already} samples already recorded, {total} to go")
        self.bar = Progress(
            TextColumn("[bold]bench"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("pass {task.fields[rate]}"),
            TimeRemainingColumn(),
            console=self.console,
        )
        self.task_id = self.bar.add_task("run", total=total, rate="-")
        self.bar.start()

    def update(self, record: Any, finished: int, total: int) -> None:
        self.records.append(record)
        self.rate = pass_rate_text(self.records)
        if self.bar is not None:
            self.bar.update(self.task_id, completed=finished, rate=self.rate)

    def print_summary(self, summary: Any, home: Path) -> None:
        out = Console()
        ks = ", ".join(f"{k} {v:.3f}" for k, v in summary.pass_at_k.items()) or "no usable task"
        out.print(
            f"run {summary.run_id}: {summary.records} samples, {summary.usable_tasks} usable tasks; {ks}"
        )
        for task, why in sorted(summary.unusable.items()):
            out.print(f"  unusable {task}: {why}")
        area = summary.ppa_geomean.get("area")
        if area is not None:
            delay = summary.ppa_geomean.get("delay")
            out.print(
                f"  PPA geomean vs reference: area {area:.3f}, delay {delay if delay is None else round(delay, 3)}"
            )
        opt = summary.opt_ppa_geomean
        if opt.get("area") is not None:
            figs = ", ".join(f"{k} {v:.3f}" for k, v in opt.items() if v is not None)
            out.print(f"  PPA geomean vs reference after --optimize (both sides searched): {figs}")
        out.print(f"  results: {home / 'runs' / summary.run_id / 'results.jsonl'}")
