"""Every chipsmith-rtl reference passes its testbench and every null candidate fails it."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from chipsmith.benchmarks.rtl_suites import CATEGORIES, load_chipsmith_rtl
from chipsmith.benchmarks.task import Task
from helpers import require_tool

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("rtl_suite")]

TASKS = load_chipsmith_rtl()
HEADER_RE = re.compile(r"^module\s+(\w+)\s*\(.*\);$", re.DOTALL)


def _sim(task: Task, design: str) -> tuple[str, int | None, int | None, str]:
    from chipsmith.sandbox.local import LocalSandbox
    from chipsmith.tools.simulate import simulate

    sources = {"tb.sv": task.hidden.files["tb.sv"], "design.v": design.encode()}
    res = simulate(sources, top="tb", sandbox=LocalSandbox(), timeout_s=task.hidden.settings["timeout_s"])
    return res.failure_class, res.mismatches, res.samples, res.message


@pytest.fixture(scope="module")
def verdicts() -> dict[
    str, tuple[tuple[str, int | None, int | None, str], tuple[str, int | None, int | None, str]]
]:
    require_tool("iverilog", "vvp")
    jobs = [(t, t.hidden.files["ref.v"].decode()) for t in TASKS] + [
        (t, t.public.interface + "\nendmodule\n") for t in TASKS
    ]
    with ThreadPoolExecutor(max_workers=2) as pool:
        out = list(pool.map(lambda job: _sim(*job), jobs))
    n = len(TASKS)
    return {t.id: (out[i], out[n + i]) for i, t in enumerate(TASKS)}


def test_suite_shape() -> None:
    assert len(TASKS) >= 40
    assert {t.category for t in TASKS} == set(CATEGORIES)
    assert {t.difficulty for t in TASKS} == {"easy", "medium", "hard"}
    for t in TASKS:
        m = HEADER_RE.match(t.public.interface)
        assert m and m.group(1) == t.public.top, t.id
        assert t.public.interface in t.public.spec, f"{t.id}: spec must repeat the interface"
        assert f"module {t.public.top}" in t.hidden.files["ref.v"].decode()
        assert t.hidden.files["tb.sv"].decode().count("Mismatches: %0d in %0d samples") == 1


@pytest.mark.parametrize("task_id", [t.id for t in TASKS])
def test_reference_passes_and_null_fails(verdicts, task_id: str) -> None:
    (ref_class, ref_mm, ref_n, ref_msg), (null_class, null_mm, null_n, null_msg) = verdicts[task_id]
    assert ref_class == "pass" and ref_mm == 0 and ref_n and ref_n > 0, (
        f"reference: {ref_class} {ref_mm}/{ref_n}: {ref_msg}"
    )
    assert null_class == "mismatch" and null_mm == null_n, (
        f"null candidate: {null_class} {null_mm}/{null_n}: {null_msg}"
    )
