"""The ``chipsmith-sessions`` suite: multi-step design requests judged by hidden checks on the final workspace.

In the manner of ASIC-Agent-Bench: a task is a request in plain language plus checks that run on
the files the session left in its workspace (the candidate's files), never shown to the agent:

- ``file``: a named file must exist (``contains``: a regex its text must match);
- ``testbench``: a design file passes a chipsmith-rtl task's hidden testbench (the same evaluator
  as ``bench run --suite chipsmith-rtl``);
- ``ppa``: a design's area, delay or power is at most ``max_ratio`` times the reference's;
- ``equivalence``: a refactored design is proven equivalent to the hidden original;
- ``tb_judges``: the testbench the session wrote passes the hidden reference and fails every
  hidden buggy design;
- ``kernel``: a kernel file passes the kernel harness on a chipsmith-kernels task.

One task directory: ``task.toml`` (id, category, difficulty, request, optional ``spec_from``,
``[[checks]]``, ``[public]`` and ``[reference]`` file maps), ``public/`` (starter files copied into
the workspace), ``hidden/`` (originals, buggy designs) and ``reference/`` (what the ``reference``
control writes). A source named ``chipsmith-rtl:TASK[:FILE]`` or ``chipsmith-kernels:TASK:PART``
comes from the bundled suites, so hidden testbenches are not copied. An unknown check kind is an
error when the suite loads.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from chipsmith.benchmarks.adapters._common import SuiteError, read_text
from chipsmith.benchmarks.task import Candidate, HiddenView, PublicView, Task
from chipsmith.registry import SUITES

SUITE = "chipsmith-sessions"
BUNDLED = Path(__file__).parent / "suites" / "chipsmith_sessions"
SUITES_DIR = Path(__file__).parent / "suites"
CHECK_KINDS = {
    "file": ("path",),
    "testbench": ("design", "task"),
    "ppa": ("design", "reference", "metric", "max_ratio"),
    "equivalence": ("design", "reference"),
    "tb_judges": ("testbench", "reference", "buggy"),
    "kernel": ("kernel", "task", "backend"),
}
"""Each check kind and the keys it needs."""
SOURCE_KEYS = ("reference", "buggy")
"""Check keys that name hidden sources (resolved at load time into the task's hidden files)."""


def _kernel_dir(task_id: str) -> Path:
    root = SUITES_DIR / "chipsmith_kernels"
    for d in sorted(root.iterdir()):
        toml = d / "task.toml"
        if toml.is_file() and tomllib.loads(read_text(toml)).get("id") == task_id:
            return d
    raise SuiteError(f"{SUITE}: no chipsmith-kernels task {task_id!r}")


def resolve_source(ref: str, folder: Path) -> str:
    """The text a source name stands for (see the module docstring)."""
    suite, _, rest = ref.partition(":")
    if suite == "chipsmith-rtl" and rest:
        task, _, part = rest.partition(":")
        name = {"": "ref.v", "spec": "spec.md"}.get(part, part)
        path = SUITES_DIR / "chipsmith_rtl" / task / name
    elif suite == "chipsmith-kernels" and rest:
        task, _, part = rest.partition(":")
        d = _kernel_dir(task)
        path = d / "reference.py" if part in ("", "reference") else d / "solutions" / f"{part}.py"
    else:
        path = (folder / ref).resolve()
        if not path.is_relative_to(folder.resolve()):
            raise SuiteError(f"{SUITE}: {folder.name}: source {ref!r} leads outside the task")
    if not path.is_file():
        raise SuiteError(f"{SUITE}: {folder.name}: source {ref!r} not found")
    return read_text(path)


def _dir_files(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {p.relative_to(folder).as_posix(): read_text(p) for p in sorted(folder.rglob("*")) if p.is_file()}


def _checks(meta: dict[str, Any], folder: Path, hidden: dict[str, bytes]) -> list[dict[str, Any]]:
    checks = meta.get("checks")
    if not isinstance(checks, list) or not checks:
        raise SuiteError(f"{SUITE}: {folder.name}: at least one [[checks]] entry is needed")
    out = []
    for i, check in enumerate(checks, 1):
        kind = check.get("kind")
        if kind not in CHECK_KINDS:
            raise SuiteError(
                f"{SUITE}: {folder.name}: check {i}: unknown kind {kind!r}; known: {', '.join(CHECK_KINDS)}"
            )
        missing = [k for k in CHECK_KINDS[kind] if k not in check]
        if missing:
            raise SuiteError(f"{SUITE}: {folder.name}: check {i} ({kind}) lacks {', '.join(missing)}")
        for key in SOURCE_KEYS:
            for ref in [check[key]] if isinstance(check.get(key), str) else check.get(key, []):
                hidden[ref] = resolve_source(ref, folder).encode()
        out.append(dict(check))
    return out


def load_task_dir(folder: Path) -> Task:
    """One task directory (see the module docstring)."""
    try:
        meta = tomllib.loads(read_text(folder / "task.toml"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SuiteError(f"{SUITE}: {folder / 'task.toml'}: {exc}".splitlines()[0]) from exc
    for key in ("id", "request"):
        if not isinstance(meta.get(key), str):
            raise SuiteError(f"{SUITE}: {folder / 'task.toml'} needs a string {key!r}")
    request = meta["request"].strip()
    if meta.get("spec_from"):
        request += "\n\nSpecification:\n\n" + resolve_source(meta["spec_from"], folder).strip()
    public = _dir_files(folder / "public") | {
        p: resolve_source(s, folder) for p, s in meta.get("public", {}).items()
    }
    reference = _dir_files(folder / "reference") | {
        p: resolve_source(s, folder) for p, s in meta.get("reference", {}).items()
    }
    hidden = {f"hidden/{n}": t.encode() for n, t in _dir_files(folder / "hidden").items()}
    checks = _checks(meta, folder, hidden)
    hidden |= {f"reference/{p}": t.encode() for p, t in reference.items()}
    return Task(
        id=meta["id"], suite=SUITE, kind="session", category=str(meta.get("category", "rtl")),
        difficulty=str(meta.get("difficulty", "medium")),
        public=PublicView(task_id=meta["id"], kind="session", spec=request, starter_files=public),
        hidden=HiddenView(files=hidden, settings={"checks": checks, "reference_files": sorted(reference)}),
    )  # fmt: skip


@SUITES.register(SUITE)
def load_sessions(arg: str | None = None) -> list[Task]:
    """The bundled session suite, or a directory in its format given as ``chipsmith-sessions:PATH``."""
    root = Path(arg).expanduser() if arg else BUNDLED
    if not root.is_dir():
        raise SuiteError(f"{SUITE}: {root} is not a directory")
    return [load_task_dir(d) for d in sorted(root.iterdir()) if (d / "task.toml").is_file()]


def reference_candidate(task: Task) -> Candidate:
    """The reference control: the starter files plus the task's reference files, as a finished workspace."""
    files = dict(task.public.starter_files)
    for path in task.hidden.settings.get("reference_files", []):
        files[path] = task.hidden.files[f"reference/{path}"].decode("utf-8", errors="replace")
    return Candidate(task_id=task.id, files=files, meta={"control": "reference"})


def null_candidate(task: Task) -> Candidate:
    """The null control: the workspace as the session found it (the starter files, unchanged)."""
    return Candidate(task_id=task.id, files=dict(task.public.starter_files), meta={"control": "null"})
