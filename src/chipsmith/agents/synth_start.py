"""The synthesis agent's starting design: it improves a working design, so it needs one.

``start`` (the agent option; ``-O start=...`` in bench runs):

- ``auto`` (default): the task's starter files when one defines the top module (the orchestrator
  hands the session's design over this way), else an error that says how to give one;
- ``starter``: the same, explicitly;
- ``dir:PATH``: a design from a samples directory (``bench score``'s layouts: ``PATH/T/sample_<k>.v``,
  ``PATH/T_sample<NN>.sv``, ``PATH/T.v``), sample k for sample k, else the first;
- ``run:RUN``: the design an earlier bench run submitted for this task (run id under the home's
  ``runs/``, or a path to the run): the record of the same sample, else any record of the task,
  whose verdict was ``pass``; the design is the best one its transcript kept (``meta.best.files``,
  which the RTL agent and this agent write). A task whose earlier candidate failed gets none: the
  agent optimizes working designs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

HDL = (".v", ".sv")


class StartError(ValueError):
    """No starting design (one line saying what to do)."""


def defines(text: str, top: str) -> bool:
    """Pure: ``text`` defines ``module top``."""
    return bool(re.search(rf"^\s*module\s+{re.escape(top)}\b", text, re.M))


def from_starters(starters: dict[str, str], top: str) -> dict[str, str] | None:
    """Pure: the starter HDL files when one of them defines ``top``."""
    hdl = {n: t for n, t in starters.items() if n.endswith(HDL)}
    return hdl if any(defines(t, top) for t in hdl.values()) else None


def start_design(option: str, task: Any, sample: int, home: Path) -> tuple[dict[str, str], str]:
    """(files, where they came from) for ``task`` (a PublicView); StartError when there is none."""
    top = task.top or ""
    kind, _, arg = option.partition(":")
    if kind in ("auto", "starter"):
        files = from_starters(task.starter_files, top)
        if files is None:
            raise StartError(
                f"no starting design for {task.task_id}: no starter file defines module {top}; "
                "give one with -O start=run:RUN_ID (an earlier run's passing candidate) or -O start=dir:PATH"
            )
        return files, "starter"
    if kind == "dir" and arg:
        return _from_dir(Path(arg), task.task_id, sample, top), f"dir:{arg}"
    if kind == "run" and arg:
        return _from_run(home, arg, task.task_id, sample, top), f"run:{arg}"
    raise StartError(f"start {option!r}: use auto, starter, dir:PATH or run:RUN_ID")


def _from_dir(root: Path, task_id: str, sample: int, top: str) -> dict[str, str]:
    from chipsmith.benchmarks.samples_dir import discover

    if not root.is_dir():
        raise StartError(f"start dir {root} is not a directory")
    found = discover(root, task_id)
    if not found:
        raise StartError(f"no starting design for {task_id} under {root}")
    path = found[sample] if sample < len(found) else found[0]
    text = path.read_bytes().decode("utf-8", errors="replace")
    if not defines(text, top):
        raise StartError(f"{path} does not define module {top}")
    return {path.name: text}


def _from_run(home: Path, run: str, task_id: str, sample: int, top: str) -> dict[str, str]:
    from chipsmith.benchmarks.runner import RunnerError, load_run

    try:
        _, records = load_run(home, run)
    except RunnerError as exc:
        raise StartError(str(exc)) from None
    mine = [r for r in records if r.task == task_id]
    mine.sort(key=lambda r: (r.sample != sample, r.sample))
    passing = [r for r in mine if r.verdict == "pass"]
    if not passing:
        why = "has no record" if not mine else "has no passing candidate"
        raise StartError(f"run {run} {why} for {task_id}: nothing working to start from")
    for rec in passing:
        files = _transcript_files(rec.transcript)
        if files and any(defines(t, top) for t in files.values()):
            return files
    raise StartError(
        f"run {run}: the passing candidate of {task_id} is not in its transcript (meta.best.files)"
    )


def _transcript_files(path: str | None) -> dict[str, str] | None:
    if not path:
        return None
    try:
        meta = json.loads(Path(path).read_text(encoding="utf-8")).get("meta", {})
    except (OSError, ValueError):
        return None
    files = (meta.get("best") or {}).get("files") if isinstance(meta, dict) else None
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        return None
    return {Path(str(n)).name: v for n, v in files.items() if str(n).endswith(HDL)}
