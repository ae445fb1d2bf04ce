"""Fixtures for the kernel integration tests: the harness's own test tasks."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "data" / "kernels"


@pytest.fixture(scope="session")
def kernel_tasks():  # type: ignore[no-untyped-def]
    from chipsmith.benchmarks.kernel_suites import load_task_dir

    return {t.id: t for t in (load_task_dir(d) for d in sorted((DATA / "tasks").iterdir()))}
