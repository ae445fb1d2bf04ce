"""The ``session`` evaluator: a session's final workspace (the candidate's files) against the hidden checks.

Each check reuses the evaluator or tool that owns the question (the RTL evaluator with a
chipsmith-rtl task's hidden testbench, synthesis for PPA, the equivalence checker, the kernel
harness), so a session task is judged exactly as the single-step suites judge the same artefact.
The verdict is ``pass`` only when every check passes; ``failure_class`` names the first failing
check's kind. The agent's own claim (``candidate.meta["outcome"]["met"]``) is recorded beside the
verdict, so a report can count claims of success that the hidden checks refute.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from chipsmith.benchmarks.task import Candidate, EvalResult, Task
from chipsmith.registry import EVALUATORS

PPA_FIELDS = {"area": "area_um2", "delay": "delay_ps", "power": "power_w"}


class CheckResult(BaseModel):
    kind: str
    target: str
    passed: bool
    message: str
    unusable: bool = False
    metrics: dict[str, Any] = {}


@lru_cache(maxsize=64)
def rtl_task(task_id: str) -> Task:
    from chipsmith.benchmarks.rtl_suites import BUNDLED, load_task_dir

    return load_task_dir(BUNDLED / task_id)


@lru_cache(maxsize=64)
def kernel_task(task_id: str) -> Task:
    from chipsmith.benchmarks.suites_api import load_suite

    tasks = {t.id: t for t in load_suite("chipsmith-kernels")}
    if task_id not in tasks:
        raise ValueError(f"no chipsmith-kernels task {task_id!r}")
    return tasks[task_id]


def _text(task: Task, ref: str) -> str:
    return task.hidden.files[ref].decode("utf-8", errors="replace")


def check_file(c: dict[str, Any], files: dict[str, str], sandbox: Any = None, **_: Any) -> CheckResult:
    path = c["path"]
    if path not in files:
        return CheckResult(kind="file", target=path, passed=False, message=f"{path} is missing")
    if c.get("contains") and not re.search(c["contains"], files[path], re.M | re.I):
        return CheckResult(kind="file", target=path, passed=False, message=f"{path} lacks /{c['contains']}/")
    return CheckResult(kind="file", target=path, passed=True, message=f"{path} present")


def check_testbench(c: dict[str, Any], files: dict[str, str], sandbox: Any = None, **_: Any) -> CheckResult:
    from chipsmith.benchmarks.rtl_eval import evaluate

    path, task = c["design"], rtl_task(c["task"])
    if path not in files:
        return CheckResult(kind="testbench", target=path, passed=False, message=f"{path} is missing")
    design = {
        path.rsplit("/", 1)[-1]: files[path],
        **{p.rsplit("/", 1)[-1]: files[p] for p in c.get("extra", []) if p in files},
    }
    res = evaluate(task, Candidate(task_id=task.id, files=design), sandbox, ppa=False)
    return CheckResult(
        kind="testbench", target=path, passed=res.verdict == "pass", unusable=res.verdict == "unusable",
        message=f"hidden testbench of {task.id}: {res.verdict} ({res.message[:200]})", metrics=res.metrics,
    )  # fmt: skip


def _design_ppa(text: str, top: str | None, sandbox: Any) -> dict[str, Any]:
    from chipsmith.benchmarks.rtl_eval import candidate_sources, design_ppa

    return design_ppa(candidate_sources({"design.v": text}), top, sandbox)


def check_ppa(
    c: dict[str, Any], files: dict[str, str], sandbox: Any = None, *, task: Task, **_: Any
) -> CheckResult:
    path, metric = c["design"], c["metric"]
    if path not in files:
        return CheckResult(kind="ppa", target=path, passed=False, message=f"{path} is missing")
    field = PPA_FIELDS[metric]
    ref = _design_ppa(_text(task, c["reference"]), c.get("top"), sandbox)
    if "error" in ref or not ref.get(field):
        return CheckResult(kind="ppa", target=path, passed=False, unusable=True,
                           message=f"reference synthesis: {ref.get('error', 'no figure')}")  # fmt: skip
    cand = _design_ppa(files[path], c.get("top"), sandbox)
    if "error" in cand or cand.get(field) is None:
        return CheckResult(
            kind="ppa", target=path, passed=False, message=f"synthesis: {cand.get('error', 'no figure')}"
        )
    ratio = float(cand[field]) / float(ref[field])
    ok = ratio <= float(c["max_ratio"])
    msg = f"{metric} {cand[field]:g} vs reference {ref[field]:g}: ratio {ratio:.3f} (bound {c['max_ratio']})"
    return CheckResult(kind="ppa", target=path, passed=ok, message=msg, metrics={f"{metric}_ratio": ratio})


def check_equivalence(
    c: dict[str, Any], files: dict[str, str], sandbox: Any = None, *, task: Task, **_: Any
) -> CheckResult:
    from chipsmith.agents.verify_equiv import prove_refactor

    path = c["design"]
    if path not in files:
        return CheckResult(kind="equivalence", target=path, passed=False, message=f"{path} is missing")
    proof = prove_refactor({"reference.v": _text(task, c["reference"])}, {"design.v": files[path]},
                           top=c.get("top"), sandbox=sandbox)  # fmt: skip
    return CheckResult(
        kind="equivalence", target=path, passed=proof.passed, message=f"{proof.status}: {proof.message[:200]}"
    )


def check_tb_judges(
    c: dict[str, Any], files: dict[str, str], sandbox: Any = None, *, task: Task, **_: Any
) -> CheckResult:
    from chipsmith.agents.verify_run import TbFiles, run_design
    from chipsmith.tools.hdl import top_candidates

    path = c["testbench"]
    if path not in files:
        return CheckResult(kind="tb_judges", target=path, passed=False, message=f"{path} is missing")
    tops = top_candidates({"tb.sv": files[path]})
    tb = TbFiles(sources={"session_tb.sv": files[path]}, tb_top=tops[0] if len(tops) == 1 else "tb")
    good = run_design(tb, _text(task, c["reference"]), sandbox=sandbox, timeout_s=30)
    if not good.passed:
        return CheckResult(
            kind="tb_judges", target=path, passed=False, message=f"fails the correct design: {good.message}"
        )
    missed = [b for b in c["buggy"] if run_design(tb, _text(task, b), sandbox=sandbox, timeout_s=30).passed]
    msg = f"passes the reference; catches {len(c['buggy']) - len(missed)}/{len(c['buggy'])} buggy designs"
    return CheckResult(
        kind="tb_judges",
        target=path,
        passed=not missed,
        message=msg + (f" (missed {', '.join(missed)})" if missed else ""),
    )


def check_kernel(c: dict[str, Any], files: dict[str, str], sandbox: Any = None, **_: Any) -> CheckResult:
    from chipsmith.benchmarks.kernel_eval import evaluate

    path = c["kernel"]
    if path not in files:
        return CheckResult(kind="kernel", target=path, passed=False, message=f"{path} is missing")
    ktask = kernel_task(c["task"])
    res = evaluate(
        ktask, Candidate(task_id=ktask.id, files={"candidate.py": files[path]}, backend=c["backend"])
    )
    return CheckResult(kind="kernel", target=path, passed=res.verdict == "pass", unusable=res.verdict == "unusable",
                       message=f"kernel harness ({c['backend']}): {res.verdict} {res.failure_class}: {res.message[:200]}")  # fmt: skip


CHECKS = {
    "file": check_file, "testbench": check_testbench, "ppa": check_ppa, "equivalence": check_equivalence,
    "tb_judges": check_tb_judges, "kernel": check_kernel,
}  # fmt: skip


def run_check(c: dict[str, Any], task: Task, files: dict[str, str], sandbox: Any) -> CheckResult:
    try:
        return CHECKS[c["kind"]](c, files, sandbox, task=task)
    except Exception as exc:  # a check that cannot run is a failed check with its reason, never a crash
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return CheckResult(kind=c["kind"], target=str(c.get("design") or c.get("path") or ""), passed=False,
                           message=f"check could not run: {first[:200]}")  # fmt: skip


@EVALUATORS.register("session")
def evaluate(task: Task, candidate: Candidate, sandbox: Any = None, **_: Any) -> EvalResult:
    """Run every hidden check on the candidate's files (the session's final workspace)."""
    results = [run_check(c, task, candidate.files, sandbox) for c in task.hidden.settings.get("checks", [])]
    claim = (candidate.meta.get("outcome") or {}).get("met")
    metrics: dict[str, Any] = {
        "checks": [r.model_dump() for r in results], "checks_passed": sum(r.passed for r in results),
        "checks_total": len(results), "claimed_met": claim,
    }  # fmt: skip
    for r in results:
        metrics.update(r.metrics if r.kind == "ppa" else {})
    if any(r.unusable for r in results):
        bad = next(r for r in results if r.unusable)
        return EvalResult(verdict="unusable", failure_class="unusable", message=bad.message, metrics=metrics)
    failed = [r for r in results if not r.passed]
    metrics["false_claim"] = bool(claim) and bool(failed)
    if failed:
        message = "; ".join(f"{r.kind} {r.target}: {r.message}" for r in failed)
        return EvalResult(
            verdict="fail", failure_class=failed[0].kind, message=message[:2000], metrics=metrics
        )
    return EvalResult(
        verdict="pass", failure_class="pass", message=f"{len(results)} checks passed", metrics=metrics
    )
