"""A solve stage that leaves a mark in the sample's work dir when it starts.

Pool workers import it by name (tests/ is on the path), so it lives at the top of tests/.
"""

from __future__ import annotations

from chipsmith.benchmarks.jobs import SolveJob, SolveOutcome, solve_stage

MARK = "solve-started"


def solve_and_mark(job: SolveJob) -> SolveOutcome:
    if job.ctx.workdir is not None:
        job.ctx.workdir.mkdir(parents=True, exist_ok=True)
        (job.ctx.workdir / MARK).touch()
    return solve_stage(job)
