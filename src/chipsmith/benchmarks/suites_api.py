"""Loading a suite by its ``--suite`` spelling (``NAME`` or ``NAME:ARG``) and selecting tasks."""

from __future__ import annotations

import fnmatch

from chipsmith.benchmarks.adapters._common import SuiteError
from chipsmith.benchmarks.task import Task


def parse_suite_spec(spec: str) -> tuple[str, str | None]:
    """Pure: ``"verilog-eval:/p"`` -> ("verilog-eval", "/p"); ``"chipsmith-rtl"`` -> (name, None)."""
    name, sep, arg = spec.partition(":")
    return name.strip(), (arg if sep and arg else None)


def load_suite(spec: str) -> list[Task]:
    """The tasks of a suite; a clear ``SuiteError`` for an unknown name or a bad path."""
    from chipsmith.registry import SUITES, UnknownNameError

    name, arg = parse_suite_spec(spec)
    try:
        loader = SUITES.get(name)
    except UnknownNameError as exc:
        raise SuiteError(str(exc)) from exc
    try:
        tasks = list(loader(arg))
    except SuiteError:
        raise
    except (OSError, ValueError) as exc:  # unreadable files, malformed content
        raise SuiteError(f"suite {name}: {exc}".splitlines()[0]) from exc
    ids = [t.id for t in tasks]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise SuiteError(f"suite {name}: duplicate task ids {', '.join(dupes)}")
    return tasks


def select_tasks(tasks: list[Task], pattern: str | None) -> list[Task]:
    """Tasks whose id matches the glob (comma-separated globs allowed); all when no pattern."""
    if not pattern:
        return tasks
    globs = [g.strip() for g in pattern.split(",") if g.strip()]
    return [t for t in tasks if any(fnmatch.fnmatchcase(t.id, g) for g in globs)]
