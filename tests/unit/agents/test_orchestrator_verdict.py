"""The rules that decide whether a request was met (pure: request text and check records in, verdict out)."""

from __future__ import annotations

import pytest

from chipsmith.agents.orchestrator_tools import ToolInputError, parse_goal
from chipsmith.agents.orchestrator_verdict import Goal, Requirements, Subject, classify, decide, parse_request
from chipsmith.agents.session_models import CheckRecord

pytestmark = pytest.mark.unit

D = Subject(path="rtl/x.v", sha="s1", kind="design")


def check(
    kind: str, passed: bool = True, subject: str = "rtl/x.v", sha: str = "s1", **details: object
) -> CheckRecord:
    return CheckRecord(id="c", turn=1, kind=kind, subject=subject, subject_sha=sha, passed=passed,  # type: ignore[arg-type]
                       counts=kind != "smoke", summary=f"{kind} {'pass' if passed else 'FAIL'}", details=details)  # fmt: skip


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Design a UART receiver at 115200 baud from a 50 MHz clock", {"design": True, "goals": []}),
        ("Write adder8 and a testbench for it", {"design": True, "testbench": True}),
        ("Refactor rtl/a.v into a ripple-carry adder without changing its behaviour", {"equivalence": True}),
        ("make it smaller", {"goals": [Goal(metric="area")]}),
        ("keep the area under 120 um2", {"goals": [Goal(metric="area", bound=120.0)]}),
        ("it must meet timing at 500 MHz", {"goals": [Goal(metric="delay", bound=2000.0)]}),
        (
            "critical path at most 0.8 ns please, and reduce power",
            {"goals": [Goal(metric="delay", bound=800.0), Goal(metric="power")]},
        ),
        ("write a C++ kernel for relu", {"kernel": True, "design": False}),
        ("what is a FIFO?", {"design": False, "testbench": False, "kernel": False, "goals": []}),
    ],
)
def test_parse_request(text, want):
    got = parse_request(text).model_dump()
    for key, value in want.items():
        assert got[key] == ([g.model_dump() for g in value] if key == "goals" else value), (text, key, got)


def test_classify_files():
    assert classify("rtl/x.v", "module x(input a); endmodule") == "design"
    assert classify("tb/x_tb.sv", "module tb; endmodule") == "testbench"
    assert classify("rtl/check.v", "module t; initial $finish; endmodule") == "testbench"
    assert classify("kernels/k.py", "import torch\nclass ModelNew(nn.Module):\n    pass\n") == "kernel"
    assert classify("sim/x.vcd", "$date") == "other" and classify("notes.md", "module x") == "other"


def test_a_passing_testbench_meets_a_design_request():
    v = decide(Requirements(design=True), [D], [check("testbench")])
    assert v.status == "met" and v.met and [c.kind for c in v.deciding] == ["testbench"]


@pytest.mark.parametrize(
    ("checks", "reason"),
    [
        ([], "not verified"),
        ([check("smoke")], "not verified"),  # the smoke testbench proves nothing of the spec
        ([check("testbench", passed=False)], "testbench FAIL"),
        ([check("testbench", sha="old")], "not verified"),  # a check of another content does not count
        ([check("equivalence", reference_trusted=False)], "not verified"),
        ([check("testbench"), check("testbench", passed=False)], "testbench FAIL"),  # the latest decides
    ],
)
def test_unverified_or_failing_designs_are_not_met(checks, reason):
    v = decide(Requirements(design=True), [D], checks)
    assert v.status == "not_met" and not v.met and any(reason in r for r in v.reasons), v.reasons


def test_requirements_the_request_names_must_each_be_checked():
    reqs = Requirements(design=True, equivalence=True, goals=[Goal(metric="area")])
    base = [check("equivalence", reference_trusted=True)]
    v = decide(reqs, [D], base)
    assert not v.met and v.reasons == ["rtl/x.v: no check of the PPA goal (area below the starting design's)"]
    assert decide(reqs, [D], base + [check("ppa", goal="area<baseline")]).met
    assert not decide(reqs, [D], base + [check("ppa", passed=False, goal="area<baseline")]).met
    assert not decide(reqs, [D], base + [check("ppa", goal="area<=100")]).met  # another goal


def test_a_requested_testbench_must_be_usable():
    reqs = Requirements(design=True, testbench=True)
    v = decide(reqs, [D], [check("testbench")])
    assert not v.met and "no usable testbench" in v.reasons[0]
    quality = check("testbench_quality", subject="tb/x_tb.sv", sha="t", design="rtl/x.v")
    assert decide(reqs, [D], [check("testbench"), quality]).met


def test_kernels_nothing_produced_questions_and_cancel():
    k = Subject(path="kernels/k.py", sha="k1", kind="kernel")
    assert decide(Requirements(kernel=True), [k], [check("kernel", subject="kernels/k.py", sha="k1")]).met
    assert not decide(Requirements(kernel=True), [k], []).met
    assert decide(Requirements(kernel=True), [], []).reasons == ["no kernel was produced"]
    assert decide(Requirements(design=True), [], []).reasons == ["no design was produced or checked"]
    answered = decide(Requirements(), [], [])
    assert answered.status == "answered" and not answered.met
    assert decide(Requirements(design=True), [D], [check("testbench")], "cancelled").status == "cancelled"


def test_parse_goal():
    assert parse_goal("") is None
    assert parse_goal("area") == Goal(metric="area")
    assert parse_goal("delay <= 800") == Goal(metric="delay", bound=800.0)
    with pytest.raises(ToolInputError):
        parse_goal("smaller please")
