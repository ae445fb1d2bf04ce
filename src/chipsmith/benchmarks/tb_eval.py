"""The testbench evaluator (``rtl-testbench``): how good is a testbench an agent submitted?

A verification agent submits a testbench (a ``Candidate`` with ``meta["role"] == "testbench"``)
for an RTL task. It is judged with the task's HIDDEN reference, which the agent never saw:

1. the task must be usable (its own testbench passes its reference, as for the RTL evaluator);
2. the testbench runs with the reference as the design: it must compile, finish and report
   0 mismatches. Anything else is a failure with no score: ``false_alarm`` (it reports mismatches
   on a correct design), ``tb_timeout``, ``tb_compile`` or ``tb_runtime`` (no verdict line);
3. the reference's mutants (the same deterministic sample ``bench mutate`` takes, 30 per task)
   run against it; survivors the equivalence checker proves equal do not count. The kill rate is
   killed / (killed + survived).

Verdict ``pass`` when there is no false alarm and the kill rate reaches ``KILL_THRESHOLD`` (0.8).
The runner picks this evaluator for agents whose class says ``evaluator = "rtl-testbench"``
(``verify``, and the controls ``tb-reference`` and ``tb-null``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chipsmith.agents.verify_run import TbFiles, name_problems
from chipsmith.benchmarks.mutate import DEFAULT_MAX_MUTANTS, EQUIV_TIMEOUT_S
from chipsmith.benchmarks.rtl_eval import check_reference, reference_design
from chipsmith.benchmarks.task import Candidate, EvalResult, Task
from chipsmith.registry import EVALUATORS

KILL_THRESHOLD = 0.8
"""Kill rate a testbench needs to pass. The suite's own testbenches score 90-100% per task
(docs/rtl-suite.md); 0.8 leaves room for a testbench written from the spec alone."""
ROLE = "testbench"
TB_FAILURES = {
    "mismatch": "false_alarm",
    "timeout": "tb_timeout",
    "compile": "tb_compile",
    "elaborate": "tb_compile",
    "runtime": "tb_runtime",
}


def testbench_of(candidate: Candidate) -> TbFiles:
    """Pure: the candidate's files as a testbench (``meta["data_files"]`` names the data files)."""
    data_names = set(candidate.meta.get("data_files") or [])
    return TbFiles(
        sources={n: s for n, s in candidate.files.items() if n not in data_names},
        data={n: s for n, s in candidate.files.items() if n in data_names},
        tb_top=str(candidate.meta.get("tb_top") or "tb"),
    )


def _fail(failure_class: str, message: str, metrics: dict[str, Any] | None = None) -> EvalResult:
    return EvalResult(verdict="fail", failure_class=failure_class, message=message, metrics=metrics or {})


def _precheck(task: Task, candidate: Candidate, sandbox: Any, cache_dir: Path | None) -> EvalResult | None:
    """A verdict reached before any simulation of the candidate (unusable task, not a testbench...)."""
    ref = check_reference(task, sandbox, cache_dir)
    if not ref["ok"]:
        return EvalResult(verdict="unusable", failure_class="unusable", message=ref["why"])
    if candidate.meta.get("role") != ROLE:
        return _fail("not_testbench", "the candidate is not marked as a testbench (meta role)")
    if not any(src.strip() for src in candidate.files.values()):
        return _fail("empty", "the testbench has no source")
    if problems := name_problems(testbench_of(candidate)):
        return _fail("invalid", "; ".join(problems))
    if not reference_design(task):
        return EvalResult(
            verdict="unusable", failure_class="unusable", message="task has no reference design"
        )
    return None


@EVALUATORS.register("rtl-testbench")
def evaluate(
    task: Task,
    candidate: Candidate,
    sandbox: Any = None,
    *,
    cache_dir: Path | None = None,
    max_mutants: int = DEFAULT_MAX_MUTANTS,
    threshold: float = KILL_THRESHOLD,
    equivalence: bool = True,
    jobs: int = 2,
    **_: Any,
) -> EvalResult:
    """Judge a testbench: no false alarm on the hidden reference, then its kill rate on the reference's mutants."""
    from chipsmith.agents.verify_score import mutation_score

    if (early := _precheck(task, candidate, sandbox, cache_dir)) is not None:
        return early
    ((ref_name, ref_bytes),) = reference_design(task).items()
    score = mutation_score(
        testbench_of(candidate), ref_bytes.decode("utf-8", errors="replace"), key=task.id, top=task.public.top,
        subject="reference", max_mutants=max_mutants, equivalence=equivalence, max_equiv=max_mutants,
        equiv_timeout_s=EQUIV_TIMEOUT_S, jobs=jobs, sandbox=sandbox, cache_dir=cache_dir,
        timeout_s=float(task.hidden.settings.get("timeout_s", 30)),
    )  # fmt: skip
    metrics: dict[str, Any] = {
        "false_alarm": not score.design_ok,
        "threshold": threshold,
        "tb_eval_s": score.wall_s,
    }
    if not score.design_ok:
        fc = TB_FAILURES.get(score.design_class, "tb_runtime")
        return _fail(fc, f"on the reference design: {score.design_message}", metrics)
    metrics |= {"kill_rate": score.score, **score.counts(), "survivors": [s.id for s in score.survivors]}
    if score.score is None:
        return EvalResult(
            verdict="unusable",
            failure_class="unusable",
            message="no countable mutants of the reference",
            metrics=metrics,
        )
    counted = metrics["killed"] + metrics["survived"]
    line = f"kill rate {100 * score.score:.1f}% ({metrics['killed']} of {counted} mutants), no false alarm"
    if score.score < threshold:
        return _fail("weak", f"{line}; below the {100 * threshold:.0f}% threshold", metrics)
    return EvalResult(verdict="pass", failure_class="pass", message=line, metrics=metrics)
