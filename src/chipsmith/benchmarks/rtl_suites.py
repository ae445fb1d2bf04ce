"""RTL suite loaders registered in ``SUITES``: chipsmith-rtl (bundled), verilog-eval and rtllm.

A loader is ``load(arg: str | None) -> list[Task]``; ``--suite NAME:ARG`` passes ARG (a path).
chipsmith-rtl reads the bundled ``suites/chipsmith_rtl`` unless ARG names another directory in the
same format (one directory per task: task.toml, spec.md, tb.sv, ref.v, and optionally spec_high.md,
the high-level spec selected by ``--spec-level high``).
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from chipsmith.benchmarks.adapters import rtllm, verilog_eval
from chipsmith.benchmarks.adapters._common import SuiteError, read_text
from chipsmith.benchmarks.task import HiddenView, PublicView, Task
from chipsmith.registry import SUITES

BUNDLED = Path(__file__).parent / "suites" / "chipsmith_rtl"
REQUIRED = ("task.toml", "spec.md", "tb.sv", "ref.v")
HIGH_SPEC = "spec_high.md"
CATEGORIES = ("combinational", "arithmetic", "sequential", "fsm", "memory", "protocol", "accelerator")


def load_task_dir(folder: Path, suite: str = "chipsmith-rtl") -> Task:
    """One chipsmith-rtl task directory."""
    missing = [n for n in REQUIRED if not (folder / n).is_file()]
    if missing:
        raise SuiteError(f"{suite}: task {folder.name} lacks {', '.join(missing)}")
    try:
        meta = tomllib.loads(read_text(folder / "task.toml"))
    except tomllib.TOMLDecodeError as exc:
        raise SuiteError(f"{suite}: {folder / 'task.toml'}: {exc}") from exc
    for key in ("id", "top", "interface"):
        if not isinstance(meta.get(key), str):
            raise SuiteError(f"{suite}: {folder / 'task.toml'} needs a string {key!r}")
    settings = {"timeout_s": meta.get("sim", {}).get("timeout_s", 30), "compile_with": ["tb.sv"]}
    settings.update({k: meta[k] for k in ("clock", "reset") if k in meta})
    spec = read_text(folder / "spec.md")
    specs = {"detailed": spec}
    if (folder / HIGH_SPEC).is_file():
        specs["high"] = read_text(folder / HIGH_SPEC)
    return Task(
        id=meta["id"],
        suite=suite,
        kind="rtl",
        category=meta.get("category", "misc"),
        difficulty=meta.get("difficulty", "medium"),
        public=PublicView(
            task_id=meta["id"],
            kind="rtl",
            spec=spec,
            interface=meta["interface"],
            top=meta["top"],
            language="verilog",
        ),
        hidden=HiddenView(
            files={"tb.sv": (folder / "tb.sv").read_bytes(), "ref.v": (folder / "ref.v").read_bytes()},
            tb_top=meta.get("tb_top", "tb"),
            reference="ref.v",
            testbench="tb.sv",
            settings=settings,
        ),
        specs=specs,
    )


def load_dir(root: Path, suite: str = "chipsmith-rtl") -> list[Task]:
    """Every task directory (one holding task.toml) directly under ``root``, sorted by name."""
    if not root.is_dir():
        raise SuiteError(f"{suite}: {root} is not a directory")
    return [load_task_dir(d, suite) for d in sorted(root.iterdir()) if (d / "task.toml").is_file()]


@SUITES.register("chipsmith-rtl")
def load_chipsmith_rtl(arg: str | None = None) -> list[Task]:
    """The bundled RTL suite, or a directory in its format given as ``chipsmith-rtl:PATH``."""
    return load_dir(Path(arg).expanduser() if arg else BUNDLED)


@SUITES.register("verilog-eval")
def load_verilog_eval(arg: str | None = None) -> list[Task]:
    """VerilogEval v2 spec-to-RTL problems at ``verilog-eval:PATH``."""
    return verilog_eval.load_suite(arg)


@SUITES.register("rtllm")
def load_rtllm(arg: str | None = None) -> list[Task]:
    """RTLLM design directories at ``rtllm:PATH``."""
    return rtllm.load_suite(arg)
