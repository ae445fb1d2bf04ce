"""The parent's verdict logic on synthetic worker results (no processes, no torch)."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest

from chipsmith.sandbox.base import ExecResult
from chipsmith.tools.kernels.harness import CheckSpec, build_job, plan_cases, worker_command
from chipsmith.tools.kernels.verdicts import judge

pytestmark = pytest.mark.unit

SPEC = CheckSpec(reference="", shapes=[{"N": 8}], seeds_per_shape=1)
JOB = build_job(SPEC, "cpu", True)
KEYS = [c["key"] for c in JOB["cases"]]


def result(
    meta: dict, arrays: dict[str, np.ndarray], exit_code: int = 0, timed_out: bool = False
) -> ExecResult:
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    files = {"result.json": json.dumps(meta).encode(), "result.npz": buf.getvalue()}
    return ExecResult(exit_code=exit_code, stdout="", stderr="", timed_out=timed_out, files=files)


REF_OUT = np.array([0, 1, 2, 3, 0, 0, 5, 6], np.float32)


def ref_result(degenerate: list[str] | None = None) -> ExecResult:
    meta = {"cases": {k: {"digest": "d"} for k in KEYS}, "degenerate": degenerate or []}
    arrays = {f"{k}.r.0": REF_OUT for k in KEYS} | {f"{k}.g.0": REF_OUT.astype(np.float64) for k in KEYS}
    return result(meta, arrays)


def cand_result(out: np.ndarray = REF_OUT, **case_extra) -> ExecResult:
    rec = {
        "digest_before": "d",
        "digest_after": "d",
        "types": ["torch.Tensor"] * 2,
        "bad_ops": {},
    } | case_extra
    arrays = {f"{k}.c1.0": out for k in KEYS} | {f"{k}.c2.0": out for k in KEYS}
    return result({"cases": {k: rec for k in KEYS}}, arrays)


def test_plan_covers_every_shape_and_distribution() -> None:
    cases = plan_cases(3, 3)
    assert {c["shape"] for c in cases} == {0, 1, 2}
    assert {c["dist"] for c in cases} == {"task", "normal", "edge"}
    assert len({c["seed"] for c in cases}) == len(cases)
    assert sum(c["shape"] == 0 for c in cases) == 4  # the timing shape gets one more


def test_worker_command_carries_environment() -> None:
    cmd = worker_command("m", {"TRITON_INTERPRET": "1"})
    assert cmd[0] == "env" and "TRITON_INTERPRET=1" in cmd and cmd[-3:] == ["-m", "m", "job.json"]


def test_pass() -> None:
    assert judge(ref_result(), cand_result(), JOB, SPEC, True).status == "pass"


def test_mismatch() -> None:
    rep = judge(ref_result(), cand_result(REF_OUT + 1), JOB, SPEC, True)
    assert rep.status == "mismatch" and "outside atol" in rep.message


@pytest.mark.parametrize(
    "extra,check",
    [
        ({"bad_ops": {"relu": 1}}, "torch-compute"),
        ({"oob_writes": 1}, "out-of-bounds"),
        ({"digest_after": "changed"}, "input-mutation"),
        ({"digest_before": "other"}, "inputs-tampered"),
        ({"new_threads": 1}, "side-thread"),
        ({"types": ["mymod.Lazy"]}, "tensor-subclass"),
        ({"changed_after_return": True}, "side-work"),
        ({"ref_calls": 2}, "reference"),
    ],
)
def test_dynamic_evidence_is_cheat(extra: dict, check: str) -> None:
    rep = judge(ref_result(), cand_result(**extra), JOB, SPEC, True)
    assert rep.status == "cheat" and check in {f["check"] for f in rep.findings}


def test_worker_failures_are_classified() -> None:
    crashed = ExecResult(exit_code=-11, stdout="", stderr="Segmentation fault")
    assert judge(ref_result(), crashed, JOB, SPEC, True).status == "runtime"
    hung = ExecResult(exit_code=-9, stdout="", stderr="", timed_out=True)
    assert judge(ref_result(), hung, JOB, SPEC, True).status == "timeout"
    fatal = result({"fatal": {"kind": "compile", "message": "CompileError: g++ said no"}}, {}, exit_code=3)
    assert judge(ref_result(), fatal, JOB, SPEC, True).status == "compile"


def test_degenerate_or_failing_reference_is_unusable() -> None:
    rep = judge(ref_result(["output 0 is constant (0)"]), cand_result(), JOB, SPEC, True)
    assert rep.status == "unusable" and "constant" in rep.message
    broken = result({"fatal": {"kind": "reference", "message": "boom"}}, {}, exit_code=3)
    assert judge(broken, cand_result(), JOB, SPEC, True).status == "unusable"
