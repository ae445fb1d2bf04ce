"""The host's verdict logic on synthetic supervisor results (no processes, no torch)."""

from __future__ import annotations

import json

import pytest

from chipsmith.sandbox.base import ExecResult
from chipsmith.tools.kernels._channel import sign
from chipsmith.tools.kernels.harness import (
    CheckSpec,
    WorkerSetup,
    build_job,
    plan_cases,
    worker_command,
    worker_env,
)
from chipsmith.tools.kernels.verdicts import MECHANISMS, judge, timing_metrics

pytestmark = pytest.mark.unit

KEY = b"k" * 32
SPEC = CheckSpec(reference="", shapes=[{"N": 8}], seeds_per_shape=1)
JOB = build_job(SPEC, WorkerSetup(), KEY.hex(), 7)
KEYS = [c["key"] for c in JOB["cases"]]


def signed(meta: dict, key: bytes = KEY, **kw) -> ExecResult:  # type: ignore[no-untyped-def]
    m = json.dumps(meta).encode()
    files = {"result.json": m, "result.sig": sign(key, m).encode()}
    return ExecResult(exit_code=0, stdout="", stderr="", files=files, **kw)


def result(  # type: ignore[no-untyped-def]
    compare: dict | None = None, unchanged: list | None = None, audit: dict | None = None, **ev
) -> ExecResult:
    """A supervisor result: every case compared as ``compare`` (None: correct), evidence ``ev``,
    the ablation run leaving ``unchanged`` elements per output ([same, size])."""
    evidence = {"types": ["torch.Tensor"] * 2, "bad_ops": {}, "dtypes": ["float32"]} | ev
    cases = {}
    for k in KEYS:
        rec: dict = {"evidence": evidence, "scale": [None], "compare": compare}
        if unchanged is not None:
            rec["ablation"] = {"unchanged": unchanged, "evidence": {}}
        cases[k] = rec
    return signed({"seed": 7, "degenerate": [], "cases": cases, "audit": audit or {"worker": {}}})


def test_plan_covers_every_shape_and_distribution_without_seeds() -> None:
    cases = plan_cases(3, 3)
    assert {c["shape"] for c in cases} == {0, 1, 2}
    assert {c["dist"] for c in cases} == {"task", "normal", "edge"}
    assert all("seed" not in c for c in cases)  # the supervisor derives them from the secret seed
    assert sum(c["shape"] == 0 for c in cases) == 4  # the timing shape gets one more


def test_secrets_travel_in_the_job_file_only() -> None:
    """The job file (deleted by the supervisor before any candidate code runs) holds the key and
    the seed; the command line, which every process can read in /proc, holds neither."""
    assert JOB["key"] == KEY.hex() and JOB["seed"] == 7
    env = worker_env(WorkerSetup(guard=True, launches=True))
    assert env["CHIPSMITH_KERNEL_GUARD"] == "1" and env["CHIPSMITH_KERNEL_LAUNCHES"] == "1"
    cmd = " ".join(worker_command("chipsmith.tools.kernels._supervisor", env))
    assert KEY.hex() not in cmd and "seed" not in cmd.lower()


def test_worker_command_carries_environment() -> None:
    cmd = worker_command("m", {"TRITON_INTERPRET": "1"})
    assert cmd[0] == "env" and "TRITON_INTERPRET=1" in cmd and cmd[-3:] == ["-m", "m", "job.json"]


def test_pass() -> None:
    rep = judge(result(), JOB, KEY, SPEC, True)
    assert rep.status == "pass" and rep.caught_by is None, rep.message


def test_mismatch_is_caught_by_the_comparison() -> None:
    bad = {"kind": "mismatch", "message": "1st call: output 0: 8 of 8 elements outside atol=0.0001"}
    rep = judge(result(bad), JOB, KEY, SPEC, True)
    assert rep.status == "mismatch" and "outside atol" in rep.message and rep.caught_by == "comparison"


def test_precision_downgrade_is_cheat() -> None:
    bad = {"kind": "precision", "message": "error vs fp64 ground truth ..."}
    rep = judge(result(bad), JOB, KEY, SPEC, True)
    assert rep.status == "cheat" and rep.findings[0]["check"] == "precision-downgrade"


def test_a_case_without_a_comparison_is_a_mismatch() -> None:
    meta = {"seed": 1, "degenerate": [], "cases": {}, "audit": {"worker": {}}}
    rep = judge(signed(meta), JOB, KEY, SPEC, True)
    assert rep.status == "mismatch" and "no outputs" in rep.message


@pytest.mark.parametrize(
    "extra,check,mechanism",
    [
        ({"bad_ops": {"relu": 1}}, "torch-compute", "guard"),
        ({"oob_writes": 1}, "out-of-bounds", "guard"),
        ({"input_mutation": True}, "input-mutation", "shared-memory"),
        ({"input_oob": 1}, "input-out-of-bounds", "shared-memory"),
        ({"new_threads": 1}, "side-thread", "guard"),
        ({"types": ["mymod.Lazy"]}, "tensor-subclass", "guard"),
        ({"uncovered": [0]}, "launch-output", "guard"),
    ],
)
def test_call_evidence_is_cheat(extra: dict, check: str, mechanism: str) -> None:
    rep = judge(result(**extra), JOB, KEY, SPEC, True)
    assert rep.status == "cheat" and check in {f["check"] for f in rep.findings}
    assert rep.caught_by == mechanism and mechanism in MECHANISMS


@pytest.mark.parametrize(
    "audit,check",
    [
        ({"worker": {"unverified_code": ["/tmp/evil.so"]}}, "unverified-code"),
        ({"worker": {"unverified_code": None}}, "unverified-code"),
        ({"worker": {"gap_cpu_ms": 500.0, "in_call_cpu_ms": 10.0}}, "idle-cpu"),
        ({"worker": {}, "extra_processes": 1}, "child-process"),
        ({"worker": {"children_cpu_ms": 30.0}}, "child-process"),
        ({"worker": {}, "ablation": {"children_cpu_ms": 5.0}}, "child-process"),
        ({"worker": {}, "changed_after_reply": True}, "side-work"),
        ({"worker": {"peak_kb": 10 * 2**20}}, "peak-memory"),
    ],
)
def test_what_the_supervisor_saw_is_cheat(audit: dict, check: str) -> None:
    rep = judge(result(audit=audit), JOB, KEY, SPEC, True)
    assert rep.status == "cheat" and check in {f["check"] for f in rep.findings}, rep.findings


def test_little_cpu_between_calls_is_not_flagged() -> None:
    rep = judge(result(audit={"worker": {"gap_cpu_ms": 1.0, "in_call_cpu_ms": 10.0}}), JOB, KEY, SPEC, True)
    assert rep.status == "pass"


def test_ablation_that_changes_nothing_is_cheat_but_not_when_the_output_is_wrong() -> None:
    rep = judge(result(unchanged=[[8, 8]]), JOB, KEY, SPEC, True)
    assert rep.status == "cheat" and rep.caught_by == "ablation"
    assert judge(result(unchanged=[[0, 8]]), JOB, KEY, SPEC, True).status == "pass"
    assert judge(result(unchanged=[[4, 8]]), JOB, KEY, SPEC, True).status == "pass"  # half: zeros of a ReLU
    bad = {"kind": "mismatch", "message": "wrong"}
    wrong = judge(result(bad, unchanged=[[8, 8]]), JOB, KEY, SPEC, True)
    assert wrong.status == "mismatch"  # an output that is wrong anyway is a mismatch, not an ablation cheat


def test_a_trusted_mechanism_is_named_before_the_workers_own_evidence() -> None:
    """The dispatch guard runs in the candidate's process: when the ablation run also caught the
    cheat, the verdict is reported by the ablation run, and both are listed."""
    rep = judge(result(unchanged=[[8, 8]], bad_ops={"relu": 1}), JOB, KEY, SPEC, True)
    assert rep.status == "cheat" and rep.findings[0]["mechanism"] == "guard"
    assert rep.caught_by == "ablation" and rep.metrics["caught_by_all"] == ["guard", "ablation"]
    alone = judge(result(bad_ops={"relu": 1}), JOB, KEY, SPEC, True)
    assert alone.caught_by == "guard" and alone.metrics["caught_by_all"] == ["guard"]


def test_failing_ablation_run_is_cheat() -> None:
    meta = json.loads(result().files["result.json"])
    meta["ablation_fatal"] = "runtime: the candidate (ablation) crashed"
    rep = judge(signed(meta), JOB, KEY, SPEC, True)
    assert rep.status == "cheat" and rep.findings[0]["check"] == "ablation"


@pytest.mark.parametrize(
    "samples,flagged",
    [
        ({"full": {"runtime": 100, "numpy": 50, "calls": 10}}, True),
        ({"full": {"runtime": 100, "numpy": 2, "calls": 10}}, False),
        ({"poison": {"runtime": 100, "torch": 80, "calls": 10}}, True),
        ({"poison": {"runtime": 100, "torch": 25, "calls": 10}}, False),
        ({"shadow": {"runtime": 60, "torch": 90, "calls": 6}}, True),
    ],
)
def test_cpu_attribution(samples: dict, flagged: bool) -> None:
    audit = {
        "worker": {"samples": {"period_ns": 20000, **samples}},
        "ablation": {"samples": {"period_ns": 20000, "poison": {"runtime": 100, "torch": 20, "calls": 10}}},
    }
    rep = judge(result(audit=audit), JOB, KEY, SPEC, True)
    assert (rep.status == "cheat" and rep.caught_by == "attribution") is flagged, rep.findings


def test_unsigned_or_foreign_results_are_forged() -> None:
    good = result()
    tampered = dict(
        good.files, **{"result.json": good.files["result.json"].replace(b'"seed": 7', b'"seed": 8')}
    )
    rep = judge(ExecResult(exit_code=0, stdout="", stderr="", files=tampered), JOB, KEY, SPEC, True)
    assert rep.status == "cheat" and rep.caught_by == "signature"
    other_key = signed({"seed": 7, "cases": {}}, key=b"x" * 32)
    assert judge(other_key, JOB, KEY, SPEC, True).status == "cheat"
    partial = ExecResult(exit_code=-9, stdout="", stderr="", files={"result.json": b"{}"})
    assert judge(partial, JOB, KEY, SPEC, True).findings[0]["check"] == "forged-result"


def test_missing_result_is_a_runtime_failure_or_a_timeout() -> None:
    crashed = ExecResult(exit_code=-9, stdout="", stderr="Killed")
    rep = judge(crashed, JOB, KEY, SPEC, True)
    assert rep.status == "runtime" and "signal 9" in rep.message
    hung = ExecResult(exit_code=-9, stdout="", stderr="", timed_out=True)
    assert judge(hung, JOB, KEY, SPEC, True).status == "timeout"


@pytest.mark.parametrize("kind", ["compile", "runtime", "timeout"])
def test_candidate_failures_are_classified(kind: str) -> None:
    rep = judge(signed({"seed": 1, "fatal": {"kind": kind, "message": "boom\nmore"}}), JOB, KEY, SPEC, True)
    assert rep.status == kind and rep.message == "boom"


def test_degenerate_or_failing_reference_is_unusable() -> None:
    deg = signed({"seed": 1, "degenerate": ["output 0 is constant (0)"]})
    rep = judge(deg, JOB, KEY, SPEC, True)
    assert rep.status == "unusable" and "constant" in rep.message
    broken = signed({"seed": 1, "fatal": {"kind": "reference", "message": "boom"}})
    assert judge(broken, JOB, KEY, SPEC, True).status == "unusable"


def test_timing_subtracts_the_channel() -> None:
    t = {
        "candidate_ms": [1.2, 1.3, 1.1, 1.2],
        "null_ms": [0.2, 0.2, 0.3, 0.2],
        "candidate_cpu_ms": [1.0] * 4,
        "null_cpu_ms": [0.1] * 4,
        "baseline_ms": [2.0] * 4,
    }
    m = timing_metrics(t, True)
    assert m["candidate_ms"] == pytest.approx(1.0) and m["speedup"] == pytest.approx(2.0)
    assert m["candidate_cpu_ms"] == pytest.approx(0.9) and m["channel_ms"] == pytest.approx(0.2)
    assert timing_metrics(t, False)["speedup"] is None


def test_a_call_faster_than_the_channel_is_no_measurement() -> None:
    # at load 15 the channel's median exceeded a 4 ms ReLU call's: the old floor gave 66,000x
    t = {
        "candidate_ms": [4.0, 4.1, 3.9],
        "null_ms": [5.6, 5.5, 5.7],
        "candidate_cpu_ms": [3.0] * 3,
        "null_cpu_ms": [0.1] * 3,
        "baseline_ms": [0.1] * 3,
    }
    m = timing_metrics(t, True)
    assert m["speedup"] is None and m["flags"][0].startswith("not measured: the channel's own 5.6000 ms")


def test_attribution_that_could_not_run_is_a_review_flag() -> None:
    from chipsmith.tools.kernels.verdicts import audit_flags

    assert audit_flags({"attribution": "on", "attribution_ablation": "on"}) == []
    flags = audit_flags({"attribution": "on", "attribution_ablation": "perf_event_open refused: EACCES"})
    assert flags == [
        "CPU attribution unavailable for the ablation run (perf_event_open refused: EACCES): its checks were skipped"
    ]
