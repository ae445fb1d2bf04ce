"""Executors run work items (solve, then evaluate) in parallel and report each finished one.

``local``: a process pool (``--jobs``). ``ray``: a Ray cluster (``--ray-address``, or a local one).
Both call ``on_done(item, solve_outcome, eval_outcome)`` in the calling process, which is the only
writer of the results file. An exception inside a stage is turned into an outcome by the stage
itself; an executor failure (a worker killed, the cluster gone) propagates, and the run resumes
from what was recorded.

Work is handed out through ``interleave``: at most ``window`` stages in flight, and a finished
solve's evaluation goes in before the next solve. Submitting every solve up front made a FIFO pool
run all solves before any evaluation, so nothing was recorded until the end of a run.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from chipsmith.benchmarks.jobs import EvalOutcome, SolveOutcome, WorkItem, eval_stage, solve_stage, then_eval
from chipsmith.registry import EXECUTORS


class ExecutorError(RuntimeError):
    """The executor itself failed (a worker died, the cluster went away); the run can be resumed."""


OnDone = Callable[[WorkItem, SolveOutcome, EvalOutcome], None]
StopCheck = Callable[[], bool] | None
H = TypeVar("H", bound=Hashable)


def interleave(
    items: list[WorkItem],
    window: int,
    submit: Callable[[Callable[[Any], Any], Any], H],
    wait_done: Callable[[list[H]], Iterable[H]],
    result: Callable[[H], Any],
    on_done: OnDone,
    should_stop: Callable[[], bool] | None = None,
) -> None:
    """Run each item's solve, then its evaluation, with at most ``window`` stages in flight.

    ``submit(stage, job)`` starts a stage and returns its handle, ``wait_done(handles)`` returns the
    finished ones (at least one), ``result(handle)`` its outcome. A finished solve's evaluation is
    submitted before any new solve, so with ``window = 1`` each sample is solved, evaluated and
    recorded before the next solve starts. The outcomes do not depend on the order. Once
    ``should_stop()`` is true (a run budget spent) no new solve starts; what is in flight finishes.
    """
    todo = iter(items)
    pending: dict[H, tuple[WorkItem, SolveOutcome | None]] = {}

    def top_up() -> None:
        while len(pending) < window and not (should_stop and should_stop()):
            if (item := next(todo, None)) is None:
                return
            pending[submit(solve_stage, item.solve)] = (item, None)

    top_up()
    while pending:
        for handle in wait_done(list(pending)):
            item, solved = pending.pop(handle)
            if solved is None:
                outcome: SolveOutcome = result(handle)
                pending[submit(eval_stage, then_eval(item, outcome))] = (item, outcome)
            else:
                on_done(item, solved, result(handle))
        top_up()


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

    def execute(self, items: list[WorkItem], on_done: OnDone, should_stop: StopCheck = None) -> None:
        if not items:
            return
        try:
            self._run(items, on_done, should_stop)
        except BrokenProcessPool as exc:
            raise ExecutorError(f"a worker process died ({exc})") from exc

    def _run(self, items: list[WorkItem], on_done: OnDone, should_stop: StopCheck) -> None:
        workers = min(self.jobs, len(items))
        with ProcessPoolExecutor(max_workers=workers, mp_context=pool_context()) as pool:

            def wait_done(futures: list[Future[Any]]) -> Iterable[Future[Any]]:
                return wait(futures, return_when=FIRST_COMPLETED).done

            interleave(items, workers, pool.submit, wait_done, lambda f: f.result(), on_done, should_stop)


@EXECUTORS.register("ray")
class RayExecutor:
    """Ray tasks on the cluster at ``address``, or on a local cluster with ``jobs`` CPUs."""

    name = "ray"

    def __init__(self, jobs: int = 2, address: str | None = None, **_: Any) -> None:
        self.jobs = max(1, jobs)
        self.address = address

    def execute(self, items: list[WorkItem], on_done: OnDone, should_stop: StopCheck = None) -> None:
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
            self._run(ray, items, on_done, should_stop)
        except ray.exceptions.RayError as exc:
            raise ExecutorError(f"ray: {str(exc).strip().splitlines()[0]}") from exc
        finally:
            if started:
                ray.shutdown()

    def _run(self, ray: Any, items: list[WorkItem], on_done: OnDone, should_stop: StopCheck) -> None:
        remote: dict[Any, Any] = {}

        def submit(stage: Callable[[Any], Any], job: Any) -> Any:
            if stage not in remote:
                remote[stage] = ray.remote(stage)
            return remote[stage].remote(job)

        # A local cluster has `jobs` CPUs: keep that many stages in flight. A remote cluster's size
        # is its own business: everything is handed to its scheduler, as before.
        window = len(items) if self.address else self.jobs
        wait_one = lambda refs: ray.wait(refs, num_returns=1)[0]  # noqa: E731
        interleave(items, window, submit, wait_one, ray.get, on_done, should_stop)
