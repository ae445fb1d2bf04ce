"""Candidates produced elsewhere, read from a directory, for `chipsmith bench score`.

Layouts recognised for a task id ``T`` (``.v`` or ``.sv``), checked in this order:

- ``DIR/T/sample_<k>.v``: several samples per task, ordered by ``k``;
- VerilogEval style ``DIR/T_sample<NN>.sv`` or ``DIR/T/T_sample<NN>.sv``, ordered by ``NN``;
- ``DIR/T.v``: one sample.

The ``samples-dir`` agent serves sample ``i`` of task ``T`` as the i-th file found.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar

from chipsmith.agents.base import RunContext
from chipsmith.benchmarks.task import Candidate, PublicView
from chipsmith.registry import AGENTS

EXTS = (".v", ".sv")


def _numbered(paths: list[Path], pattern: re.Pattern[str]) -> list[Path]:
    found = [(int(m.group(1)), p) for p in paths if (m := pattern.fullmatch(p.name))]
    return [p for _, p in sorted(found)]


def discover(root: Path, task_id: str) -> list[Path]:
    """The sample files of one task, in sample order (empty when the task has none)."""
    sub = root / task_id
    sub_files = sorted(sub.iterdir()) if sub.is_dir() else []
    ours = _numbered(sub_files, re.compile(r"sample_(\d+)\.s?v"))
    if ours:
        return ours
    ve = re.compile(re.escape(task_id) + r"_sample(\d+)\.s?v")
    flat = _numbered(sorted(root.glob(f"{glob_escape(task_id)}_sample*")), ve) or _numbered(sub_files, ve)
    if flat:
        return flat
    return [p for ext in EXTS if (p := root / f"{task_id}{ext}").is_file()][:1]


def glob_escape(text: str) -> str:
    """Pure: ``text`` with glob metacharacters escaped."""
    return re.sub(r"([*?\[])", r"[\1]", text)


@AGENTS.register("samples-dir")
class SamplesDirAgent:
    """Submits the files found for the task in ``root`` (see the module docstring for layouts)."""

    name = "samples-dir"
    needs_oracle: ClassVar[bool] = False

    def __init__(self, root: str, **_: Any) -> None:
        self.root = Path(root)

    def solve(self, task: PublicView, ctx: RunContext) -> Candidate:
        files = discover(self.root, task.task_id)
        if ctx.sample >= len(files):
            raise FileNotFoundError(f"no sample {ctx.sample} for {task.task_id} under {self.root}")
        path = files[ctx.sample]
        text = path.read_bytes().decode("utf-8", errors="replace")
        return Candidate(task_id=task.task_id, files={path.name: text}, meta={"path": str(path)})
