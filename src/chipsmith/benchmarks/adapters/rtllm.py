"""RTLLM problems: one directory per design with ``design_description.txt``, ``testbench.v`` and
``verified_<name>.v``.

Quirks handled: directory names with spaces (task ids replace them with ``_``); the verified file's
name need not match the directory (any ``verified_*.v``); the testbench top is found with
``guess_top`` (not always ``testbench``); every other file in the directory is a data file the
testbench may read. The verdict is the exact ``Your Design Passed`` banner (spacing may vary),
parsed by the simulate tool, never RTLLM's own "any 'pass' in the output" rule.
"""

from __future__ import annotations

import re
from pathlib import Path

from chipsmith.benchmarks.adapters._common import SuiteError, read_text, suite_dir
from chipsmith.benchmarks.task import HiddenView, PublicView, Task

SUITE = "rtllm"
TIMEOUT_S = 60
TB_NAME = "testbench.v"


def task_id(dirname: str) -> str:
    """Pure: a directory name as a task id (spaces and other odd characters become ``_``)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", dirname.strip())


def testbench_top(tb_src: str) -> str | None:
    """The testbench's top module: the one module it defines and never instantiates."""
    from chipsmith.tools.hdl import guess_top

    return guess_top({TB_NAME: tb_src})


def design_interface(verified_src: str) -> tuple[str | None, str]:
    """Pure: (module name, header up to ``);``) of the verified design."""
    match = re.search(r"\bmodule\s+(\w+).*?\)\s*;", verified_src, re.S)
    if not match:
        return None, ""
    return match.group(1), match.group(0)


def load_problem(folder: Path) -> Task:
    """One design directory."""
    verified = sorted(folder.glob("verified_*.v"))
    tb = folder / TB_NAME
    desc = folder / "design_description.txt"
    if not (verified and tb.is_file() and desc.is_file()):
        raise SuiteError(f"{SUITE}: {folder.name!r} needs design_description.txt, testbench.v, verified_*.v")
    ref_src = read_text(verified[0])
    top, header = design_interface(ref_src)
    tb_src = read_text(tb)
    skip = {verified[0].name, TB_NAME, desc.name}
    data = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.name not in skip}
    tid = task_id(folder.name)
    return Task(
        id=tid,
        suite=SUITE,
        kind="rtl",
        category="rtllm",
        difficulty="medium",
        public=PublicView(task_id=tid, kind="rtl", spec=read_text(desc), interface=header, top=top),
        hidden=HiddenView(
            files={TB_NAME: tb_src.encode(), "reference.v": ref_src.encode(), **data},
            tb_top=testbench_top(tb_src),
            reference="reference.v",
            testbench=TB_NAME,
            settings={"timeout_s": TIMEOUT_S, "compile_with": [TB_NAME], "data_files": sorted(data)},
        ),
    )


def load_suite(path: str | None) -> list[Task]:
    """Every design directory under ``path`` (directories holding a testbench.v), sorted."""
    root = suite_dir(path, SUITE)
    dirs = sorted({p.parent for p in root.rglob(TB_NAME)})
    if not dirs:
        raise SuiteError(f"{SUITE}: no */testbench.v under {root}")
    return [load_problem(d) for d in dirs]
