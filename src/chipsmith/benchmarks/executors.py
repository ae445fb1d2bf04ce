"""Executors run work items (solve, then evaluate) in parallel and report each finished one.

``local``: a process pool (``--jobs``). ``ray``: a Ray cluster (``--ray-address``, or a local one).
Both call ``on_done(item, solve_outcome, eval_outcome)`` in the calling process, which is the only
writer of the results file. An exception inside a stage is turned into an outcome by the stage
itself; an executor failure (a worker killed, the cluster gone) propagates, and the run resumes
from what was recorded.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from chipsmith.benchmarks.jobs import EvalOutcome, SolveOutcome, WorkItem, eval_stage, solve_stage, then_eval
from chipsmith.registry import EXECUTORS


class ExecutorError(RuntimeError):
    """The executor itself failed (a worker died, the cluster went away); the run can be resumed."""


OnDone = Callable[[WorkItem, SolveOutcome, EvalOutcome], None]


# Workers fork from a clean server process that has these loaded: a fast start (0.9 s against
# 1.4 s spawned, measured here) and no threads or state inherited from the caller. As with "spawn",
# a script that calls the runner needs the `if __name__ == "__main__":` guard.
PRELOAD = ["chipsmith.benchmarks.jobs", "chipsmith.benchmarks.rtl_eval", "chipsmith.tools.simulate"]


def pool_context() -> multiprocessing.context.BaseContext:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


@EXECUTORS.register("local")
class LocalExecutor:
    """A process pool of ``jobs`` workers, forked from a clean server process."""

    name = "local"

    def __init__(self, jobs: int = 1, **_: Any) -> None:
        self.jobs = max(1, jobs)

    def execute(self, items: list[WorkItem], on_done: OnDone) -> None:
        if not items:
            return
        try:
            self._run(items, on_done)
        except BrokenProcessPool as exc:
            raise ExecutorError(f"a worker process died ({exc})") from exc

    def _run(self, items: list[WorkItem], on_done: OnDone) -> None:
        with ProcessPoolExecutor(max_workers=min(self.jobs, len(items)), mp_context=pool_context()) as pool:
            pending: dict[Future[Any], tuple[WorkItem, SolveOutcome | None]] = {
                pool.submit(solve_stage, item.solve): (item, None) for item in items
            }
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    item, solved = pending.pop(fut)
                    if solved is None:
                        outcome: SolveOutcome = fut.result()
                        pending[pool.submit(eval_stage, then_eval(item, outcome))] = (item, outcome)
                    else:
                        on_done(item, solved, fut.result())


@EXECUTORS.register("ray")
class RayExecutor:
    """Ray tasks on the cluster at ``address``, or on a local cluster with ``jobs`` CPUs."""

    name = "ray"

    def __init__(self, jobs: int = 2, address: str | None = None, **_: Any) -> None:
        self.jobs = max(1, jobs)
        self.address = address

    def execute(self, items: list[WorkItem], on_done: OnDone) -> None:
        if not items:
            return
        import ray  # heavy and optional: only when this executor runs

        started = not ray.is_initialized()
        if started:
            if self.address:
                ray.init(address=self.address, log_to_driver=False)
            else:
                ray.init(num_cpus=self.jobs, include_dashboard=False, log_to_driver=False)
        try:
            self._run(ray, items, on_done)
        except ray.exceptions.RayError as exc:
            raise ExecutorError(f"ray: {str(exc).strip().splitlines()[0]}") from exc
        finally:
            if started:
                ray.shutdown()

    @staticmethod
    def _run(ray: Any, items: list[WorkItem], on_done: OnDone) -> None:
        solve_r, eval_r = ray.remote(solve_stage), ray.remote(eval_stage)
        pending: dict[Any, tuple[WorkItem, SolveOutcome | None]] = {
            solve_r.remote(item.solve): (item, None) for item in items
        }
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                item, solved = pending.pop(ref)
                if solved is None:
                    outcome: SolveOutcome = ray.get(ref)
                    pending[eval_r.remote(then_eval(item, outcome))] = (item, outcome)
                else:
                    on_done(item, solved, ray.get(ref))
