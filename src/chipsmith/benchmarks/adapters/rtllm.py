"""RTLLM problems: one directory per design with ``design_description.txt``, ``testbench.v`` and
``verified_<name>.v``, grouped in RTLLM v2 as ``Category/Sub-category/design``.

The design's top is the module the testbench instantiates and does not define. RTLLM's verified files
mostly declare ``module verified_<name>`` while the testbench instantiates ``<name>``, so the
reference candidate is the verified file with its root module renamed to that top, and the public
interface shows the same name. Category and sub-category are the directories above the design
(``Arithmetic/Adder/adder_8bit`` -> Arithmetic, Adder); a flat layout has category ``rtllm``.

Other quirks: directory names with spaces (ids replace them with ``_``); the verified file's name
need not match the directory; the testbench top is not always ``testbench``; every other file in
the directory is a data file the testbench may read. A design that cannot be set up (no verified
file, no module for the testbench to instantiate, ...) loads as a task marked unusable with one line
saying why (``settings["unusable"]``), so one broken directory never hides the others. The verdict
is the exact ``Your Design Passed`` banner (spacing may vary), parsed by the simulate tool, never
RTLLM's own "any 'pass' in the output" rule.
"""

from __future__ import annotations

import re
from pathlib import Path

from chipsmith.benchmarks.adapters._common import SuiteError, read_text, suite_dir
from chipsmith.benchmarks.adapters._verilog import instantiated_modules, module_header, rename_module
from chipsmith.benchmarks.task import HiddenView, PublicView, Task

SUITE = "rtllm"
TIMEOUT_S = 60
TB_NAME = "testbench.v"
DESC_NAME = "design_description.txt"
REFERENCE = "reference.v"
FLAT_CATEGORY = "rtllm"


class DesignError(ValueError):
    """Why one design directory cannot be scored (one line)."""


def task_id(dirname: str) -> str:
    """Pure: a directory name as a task id (spaces and other odd characters become ``_``)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", dirname.strip())


def testbench_top(tb_src: str) -> str | None:
    """The testbench's top module: the one module it defines and never instantiates."""
    from chipsmith.tools.hdl import guess_top

    return guess_top({TB_NAME: tb_src})


def categories(folder: Path, root: Path) -> tuple[str, str | None]:
    """Pure: (category, sub-category) from the directories between the suite root and the design."""
    try:
        above = folder.relative_to(root).parts[:-1]
    except ValueError:
        above = ()
    if not above:
        return FLAT_CATEGORY, None
    return above[0], "/".join(above[1:]) or None


def design_top(tb_src: str, verified_src: str) -> tuple[str, str | None]:
    """Pure: (top, verified module to rename to it, or None when it already has that name).

    Raises ``DesignError`` when the testbench instantiates no outside module, several that the
    verified file cannot tell apart, or the verified file defines no module."""
    from chipsmith.tools.hdl import find_modules, guess_top

    used = instantiated_modules(tb_src)
    defined = find_modules(verified_src)
    if not used:
        raise DesignError(f"{TB_NAME} instantiates no module that it does not define")
    if not defined:
        raise DesignError("the verified file defines no module")
    for name in used:
        if name in defined:
            return name, None
    prefixed = [n for n in used if f"verified_{n}" in defined]
    if len(used) > 1 and len(prefixed) != 1:
        raise DesignError(f"{TB_NAME} instantiates several outside modules ({', '.join(used)})")
    top = prefixed[0] if prefixed else used[0]
    root = f"verified_{top}" if f"verified_{top}" in defined else guess_top({"v": verified_src})
    if root is None:
        raise DesignError(f"cannot tell which module of the verified file is {top}")
    return top, root


def _files(folder: Path) -> tuple[str, Path]:
    """(testbench text, verified file); ``DesignError`` when the directory lacks one."""
    verified = sorted(folder.glob("verified_*.v"))
    if not verified:
        raise DesignError("no verified_*.v reference in the directory")
    if len(verified) > 1:
        raise DesignError(f"several verified_*.v files ({', '.join(p.name for p in verified)})")
    if not (folder / DESC_NAME).is_file():
        raise DesignError(f"no {DESC_NAME} in the directory")
    return read_text(folder / TB_NAME), verified[0]


def load_problem(folder: Path, root: Path | None = None) -> Task:
    """One design directory; a design that cannot be set up becomes a task marked unusable."""
    category, subcategory = categories(folder, root or folder.parent)
    tid = task_id(folder.name)
    tb_src = read_text(folder / TB_NAME)
    spec = read_text(folder / DESC_NAME) if (folder / DESC_NAME).is_file() else ""
    settings: dict[str, object] = {"timeout_s": TIMEOUT_S, "compile_with": [TB_NAME]}
    files = {TB_NAME: tb_src.encode()}
    top, interface, skip = None, "", {TB_NAME, DESC_NAME}
    try:
        tb_src, verified = _files(folder)
        ref_src = read_text(verified)
        top, rename = design_top(tb_src, ref_src)
        if rename:
            ref_src = rename_module(ref_src, rename, top)
        interface = module_header(ref_src, top)
        files[REFERENCE] = ref_src.encode()
        skip.add(verified.name)
    except DesignError as exc:
        settings["unusable"] = str(exc)
        skip |= {p.name for p in folder.glob("verified_*.v")}
    data = {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and p.name not in skip}
    settings["data_files"] = sorted(data)
    return Task(
        id=tid,
        suite=SUITE,
        kind="rtl",
        category=category,
        subcategory=subcategory,
        difficulty="medium",
        public=PublicView(task_id=tid, kind="rtl", spec=spec, interface=interface, top=top),
        hidden=HiddenView(
            files={**files, **data},
            tb_top=testbench_top(tb_src),
            reference=REFERENCE if REFERENCE in files else None,
            testbench=TB_NAME,
            settings=settings,
        ),
    )


def load_suite(path: str | None) -> list[Task]:
    """Every design directory under ``path`` (directories holding a testbench.v), sorted by path."""
    root = suite_dir(path, SUITE)
    dirs = sorted({p.parent for p in root.rglob(TB_NAME)})
    if not dirs:
        raise SuiteError(f"{SUITE}: no */testbench.v under {root}")
    return [load_problem(d, root) for d in dirs]
