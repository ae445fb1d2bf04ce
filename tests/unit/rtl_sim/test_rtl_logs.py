"""Parsers and verdicts on logs recorded from verilator 5.006 and iverilog 11 (tests/data/rtl_sim/record.sh)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipsmith.tools._hdl_logs import parse_iverilog, parse_verilator
from chipsmith.tools._sim_parse import classify_compile, classify_run, mismatch_counts

pytestmark = pytest.mark.unit

LOGS = Path(__file__).resolve().parents[2] / "data" / "rtl_sim" / "logs"


def log(name: str) -> str:
    return (LOGS / name).read_text()


def rc(name: str) -> int:
    return int((LOGS / f"{name}.rc").read_text().strip().removeprefix("exit="))


def run(name: str, **kw: object) -> tuple[str, str, int | None, int | None]:
    args = {
        "exit_code": rc(name),
        "timed_out": False,
        "truncated": False,
        "timeout_s": 60.0,
        "cap_bytes": 1000,
    }
    args.update(kw)
    v = classify_run(log(name), **args)  # type: ignore[arg-type]
    return v.failure_class, v.message, v.mismatches, v.samples


def test_verilator_warnings_with_codes_and_columns() -> None:
    diags = parse_verilator(log("verilator_lint_warn.log"))
    assert [(d.code, d.line, d.column, d.severity) for d in diags] == [
        ("WIDTH", 3, 12, "warning"),
        ("UNUSEDSIGNAL", 1, 20, "warning"),
        ("UNUSEDSIGNAL", 1, 37, "warning"),
    ]
    assert diags[0].file == "warn.v" and diags[0].message.startswith("Operator ASSIGNW expects 4 bits")
    assert diags[1].one_line() == "warn.v:1:20: warning[UNUSEDSIGNAL]: Signal is not used: 'clk'"


def test_verilator_errors_skip_summary_lines() -> None:
    syntax = parse_verilator(log("verilator_lint_syntax.log"))
    assert [(d.severity, d.code, d.line, d.column) for d in syntax] == [("error", None, 2, 3)]
    assert syntax[0].message == "syntax error, unexpected assign, expecting ';'"
    port = parse_verilator(log("verilator_lint_port.log"))
    assert [(d.code, d.message) for d in port] == [("PINNOTFOUND", "Pin not found: 'bogus'")]
    unknown = parse_verilator(log("verilator_lint_unknown.log"))
    assert unknown[0].message == "Cannot find file containing module: 'nothere'" and len(unknown) == 2


def test_verilator_clean_log_is_empty() -> None:
    assert parse_verilator(log("verilator_lint_counter.log")) == []


def test_iverilog_forms() -> None:
    assert [(d.file, d.line, d.code, d.message) for d in parse_iverilog(log("iverilog_syntax.log"))] == [
        ("syntax.v", 2, "syntax", "syntax error")
    ]
    sorry = parse_iverilog(log("iverilog_sorry.log"))
    assert [(d.severity, d.code, d.message) for d in sorry] == [
        ("error", "sorry", "Unpacked structs not supported.")
    ]
    notop = parse_iverilog(log("iverilog_notop.log"))
    assert [(d.file, d.message) for d in notop] == [
        (None, 'Unable to find the root module "nope" in the Verilog source.')
    ]
    assert parse_iverilog(log("iverilog_lint_warn.log")) == []


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("iverilog_syntax.log", "compile"),
        ("iverilog_sorry.log", "compile"),
        ("iverilog_unknown.log", "elaborate"),
        ("iverilog_port.log", "elaborate"),
        ("iverilog_notop.log", "elaborate"),
    ],
)
def test_iverilog_compile_classes(name: str, expected: str) -> None:
    v = classify_compile(parse_iverilog(log(name)), log(name), rc(name))
    assert v is not None and v.failure_class == expected
    assert v.message.startswith(f"{expected} error: ")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("verilator_binary_sorry.log", "compile"),
        ("verilator_lint_port.log", "elaborate"),
        ("verilator_lint_unknown.log", "elaborate"),
    ],
)
def test_verilator_compile_classes(name: str, expected: str) -> None:
    v = classify_compile(parse_verilator(log(name)), log(name), rc(name))
    assert v is not None and v.failure_class == expected


def test_compile_success_and_unknown_failure() -> None:
    assert classify_compile([], "", 0) is None
    v = classify_compile([], "Segmentation fault\n", 139)
    assert (
        v is not None
        and v.failure_class == "compile"
        and v.message == "compile failed (exit code 139): Segmentation fault"
    )


def test_run_verdicts_from_vvp() -> None:
    assert run("vvp_pass.log") == ("pass", "pass (0 mismatches in 120 samples)", 0, 120)
    assert run("vvp_mism.log") == ("mismatch", "3 mismatches in 120 samples", 3, 120)
    assert run("vvp_error.log")[:2] == (
        "mismatch",
        "check failed: ERROR: verdicts_tb.sv:6: value was 3 expected 4",
    )
    assert run("vvp_fatal.log")[:2] == ("mismatch", "check failed: FATAL: verdicts_tb.sv:9: fatal thing 7")
    # VerilogEval's watchdog is followed by a Mismatches line from the final block: still a timeout.
    assert run("vvp_timeout.log") == ("timeout", "the testbench watchdog printed TIMEOUT", 0, 7)
    assert run("vvp_rtllm_pass.log")[:2] == ("pass", "pass (Your Design Passed)")
    assert run("vvp_rtllm_fail.log")[:2] == (
        "mismatch",
        "testbench reported failure: ===========Error=========== 2 checks failed",
    )
    assert run("vvp_noverdict.log")[0] == "runtime" and "no verdict line" in run("vvp_noverdict.log")[1]
    assert run("vvp_readmem_missing.log")[:2] == (
        "runtime",
        "the testbench could not open data file vectors.hex; pass it as a data file",
    )


def test_run_verdicts_from_verilator() -> None:
    assert run("verilator_run_pass.log")[:2] == ("pass", "pass (0 mismatches in 120 samples)")
    cls, msg, _, _ = run("verilator_run_error.log")
    assert cls == "mismatch" and "Assertion failed in TOP.verdicts_tb: value was 3 expected 4" in msg


def test_sandbox_limits_override_a_missing_verdict() -> None:
    assert run("vvp_noverdict.log", timed_out=True)[:2] == (
        "timeout",
        "simulation did not finish within 60 s",
    )
    assert run("vvp_noverdict.log", truncated=True)[0] == "timeout"
    # A pass line followed by endless output is not a pass.
    assert run("vvp_pass.log", truncated=True)[0] == "timeout"
    # A crash after the pass line is not a pass either.
    assert run("vvp_pass.log", exit_code=134)[0] == "runtime"


def test_rtllm_spacing_and_failure_forms() -> None:
    args = {"exit_code": 0, "timed_out": False, "truncated": False, "timeout_s": 1.0, "cap_bytes": 1}
    assert classify_run("=========== Your Design Passed ===========\n", **args).failure_class == "pass"  # type: ignore[arg-type]
    assert classify_run("Your Design Passed\n", **args).failure_class == "pass"  # type: ignore[arg-type]
    assert classify_run("=========== Failed ===========\n", **args).failure_class == "mismatch"  # type: ignore[arg-type]
    done = "===========Test completed with 2 /100 failures===========\n"
    assert classify_run(done, **args).failure_class == "mismatch"  # type: ignore[arg-type]
    assert classify_run("error count is fine\n", **args).failure_class == "runtime"  # type: ignore[arg-type]


def test_rtllm_failure_count_with_or_without_a_total() -> None:
    # Recorded from vvp (record.sh, DO_RTLLM_COUNT / DO_RTLLM_RATIO): RTLLM's `%d` pads the count,
    # and most of its testbenches print no "/ total".
    assert run("vvp_rtllm_count.log")[:2] == (
        "mismatch",
        "testbench reported failure: =========== Test completed with          20 failures ===========",
    )
    assert run("vvp_rtllm_ratio.log")[:2] == (
        "mismatch",
        "testbench reported failure: ===========Test completed with           2 /        100 failures===========",
    )
    # A count that became X (a testbench comparing with X) is not a pass either.
    assert run("vvp_rtllm_xcount.log")[:2] == (
        "mismatch",
        "testbench reported failure: ===========Test completed with          x / 3 failures===========",
    )
    args = {"exit_code": 0, "timed_out": False, "truncated": False, "timeout_s": 1.0, "cap_bytes": 1}
    for zero in ("Test completed with 0 failures", "Test completed with           0 /        100 failures"):
        assert classify_run(f"Your Design Passed\n{zero}\n", **args).failure_class == "pass"  # type: ignore[arg-type]


def test_mismatch_counts_takes_the_last_line() -> None:
    assert mismatch_counts("Mismatches: 1 in 5 samples\nMismatches: 4 in 9 samples\n") == (4, 9)
    assert mismatch_counts("nothing") is None
