"""Command builders, output capping, and the run functions' input checks with a recording fake sandbox."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from chipsmith.sandbox.base import ExecResult, Limits
from chipsmith.tools.hdl import MAX_SOURCE_BYTES
from chipsmith.tools.lint import iverilog_lint_cmd, lint, missing_tool, verilator_lint_cmd
from chipsmith.tools.simulate import (
    compiled_files,
    iverilog_compile_cmd,
    run_cmd,
    shorten,
    simulate,
    vcd_module,
    verilator_build_cmd,
)

pytestmark = pytest.mark.unit


class RecordingSandbox:
    """Answers every command with one canned result and remembers what it was asked to run."""

    name = "fake"

    def __init__(self, result: ExecResult | Callable[[list[str]], ExecResult] | None = None) -> None:
        self.calls: list[list[str]] = []
        self.result = result or ExecResult(exit_code=0, stdout="", stderr="")

    def run(self, cmd, files, *, timeout_s, limits: Limits | None = None, want=()):  # type: ignore[no-untyped-def]
        self.calls.append(list(cmd))
        return self.result(list(cmd)) if callable(self.result) else self.result

    def close(self) -> None:
        pass


def test_lint_commands() -> None:
    assert verilator_lint_cmd(["a.v"], "top") == [
        "verilator", "--lint-only", "-Wall", "-Wno-fatal", "--timing", "-Wno-DECLFILENAME", "--top-module", "top", "a.v"
    ]  # fmt: skip
    assert iverilog_lint_cmd(["a.v", "b.sv"]) == [
        "iverilog", "-g2012", "-Wall", "-Winfloop", "-Wno-timescale", "-t", "null", "a.v", "b.sv"
    ]  # fmt: skip


def test_sim_commands() -> None:
    assert compiled_files(["tb.sv", "defs.svh", "d.v", "x.VH"]) == ["tb.sv", "d.v"]
    cmd = iverilog_compile_cmd(["d.v", "tb.sv"], "tb", vcd=True)
    assert cmd[:7] == ["iverilog", "-g2012", "-Wall", "-Winfloop", "-Wno-timescale", "-I.", "-s"]
    assert cmd[7:] == ["tb", "-s", "_chipsmith_vcd", "-o", "sim.vvp", "d.v", "tb.sv", "_chipsmith_vcd.v"]
    assert "$dumpvars(0, tb);" in vcd_module("tb")
    vl = verilator_build_cmd(["tb.sv"], "tb")
    assert (
        vl[:2] == ["verilator", "--binary"] and vl[vl.index("--top-module") + 1] == "tb" and vl[-1] == "tb.sv"
    )


def test_run_cmd_caps_output_and_keeps_exit_status() -> None:
    assert run_cmd(["vvp", "-n", "sim.vvp"], cap=10) == [
        "sh", "-c", "{ vvp -n sim.vvp; echo $? > .chipsmith_rc; } 2>&1 | head -c 11"
    ]  # fmt: skip


def test_shorten_keeps_head_and_tail() -> None:
    assert shorten("abc", keep=10) == "abc"
    out = shorten("H" * 50 + "T" * 50, keep=10)
    assert out.startswith("HHHHH\n[chipsmith: 90 characters left out]\nTTTTT")


def test_oversized_or_binary_input_runs_nothing() -> None:
    sb = RecordingSandbox()
    big = simulate({"tb.v": b"module tb; endmodule\n" + b" " * MAX_SOURCE_BYTES}, sandbox=sb)
    assert (big.passed, big.failure_class) == (False, "compile") and "over the 4.0 MB limit" in big.message
    garbage = simulate({"g.v": bytes(range(256)) * 8}, sandbox=sb)
    assert garbage.failure_class == "compile" and "not a text file" in garbage.message
    linted = lint({"g.v": bytes(range(256))}, sandbox=sb)
    assert not linted.ok and linted.tools == [] and "not a text file" in linted.diagnostics[0].message
    assert sb.calls == []


def test_missing_top_and_unknown_simulator() -> None:
    sb = RecordingSandbox()
    r = simulate({"a.v": b"module a; endmodule\nmodule b; endmodule\n"}, sandbox=sb)
    assert r.failure_class == "compile" and "pass top" in r.message and sb.calls == []
    with pytest.raises(ValueError, match="unknown simulator 'vcs'"):
        simulate({"a.v": b"module a; endmodule"}, simulator="vcs", sandbox=sb)


def test_missing_tool_is_reported_not_crashed() -> None:
    bwrap = ExecResult(exit_code=1, stdout="", stderr="bwrap: execvp iverilog: No such file or directory\n")
    assert missing_tool(bwrap, "iverilog") and not missing_tool(bwrap, "verilator")
    r = simulate({"tb.v": b"module tb; endmodule"}, sandbox=RecordingSandbox(bwrap))
    assert r.failure_class == "compile" and r.message.startswith(
        "iverilog is not installed in the fake sandbox"
    )

    def local(cmd: list[str]) -> ExecResult:  # what LocalSandbox returns when Popen finds no binary
        return ExecResult(exit_code=127, stdout="", stderr=f"cannot run {cmd[0]}: [Errno 2] No such file")

    both = lint({"a.v": b"module a; endmodule"}, sandbox=RecordingSandbox(local))
    assert not both.ok and both.tools == []
    assert [d.severity for d in both.diagnostics] == ["info", "info", "error"]


def test_nonzero_exit_without_parsable_error_fails_lint() -> None:
    odd = ExecResult(exit_code=3, stdout="", stderr="something unexpected\n")
    r = lint({"a.v": b"module a; endmodule"}, sandbox=RecordingSandbox(odd))
    assert not r.ok and {d.message for d in r.diagnostics} == {"something unexpected"}


def test_top_detection_order() -> None:
    from chipsmith.tools.simulate import _pick_top

    tb = b"module testbench; dut u(); endmodule\n"
    # An unused helper in the design makes two candidates; the testbench file (first) decides.
    assert _pick_top({"tb.v": tb, "d.v": b"module dut; endmodule\nmodule spare; endmodule\n"}) == "testbench"
    assert _pick_top({"a.v": b"module tb; endmodule\nmodule other; endmodule\n"}) == "tb"
    assert _pick_top({"a.v": b"module x; endmodule\nmodule y; endmodule\n"}) is None
    assert _pick_top({"defs.vh": b"module inc_only; endmodule\n", "t.v": b"module t; endmodule\n"}) == "t"


def test_tools_are_registered() -> None:
    from chipsmith.registry import TOOLS

    assert TOOLS.get("lint") is lint and TOOLS.get("simulate") is simulate


def test_iverilog_once_compiles_to_a_log_then_runs_under_timeout():
    from chipsmith.tools.simulate import COMPILE_LOG, COMPILE_RC, RC_FILE, iverilog_once_cmd

    cmd = iverilog_once_cmd(["iverilog", "-s", "tb", "-o", "sim.vvp", "a b.v"], 7.5, cap=100)
    assert cmd[:2] == ["sh", "-c"]
    script = cmd[2]
    # the compile log never mixes with run output; the run starts only after a clean compile
    assert f"iverilog -s tb -o sim.vvp 'a b.v' > {COMPILE_LOG} 2>&1" in script
    assert f"echo $crc > {COMPILE_RC}; [ $crc -eq 0 ] || exit 0" in script
    assert f"timeout -s KILL 7.5 vvp -n sim.vvp; echo $? > {RC_FILE}" in script
    assert script.endswith("| head -c 101")


def test_iverilog_once_leaves_the_output_cut_to_a_sandbox_that_kills_past_it():
    from chipsmith.tools.simulate import COMPILE_RC, RC_FILE, iverilog_once_cmd, shell_status

    script = iverilog_once_cmd(["iverilog", "-o", "sim.vvp", "a.v"], 7.5, sandbox_cuts=True)[2]
    assert f"echo $crc > {COMPILE_RC}; [ $crc -eq 0 ] || exit 0" in script
    # the shell becomes timeout (which becomes vvp's status): no head, no status file
    assert script.endswith("exec timeout -s KILL 7.5 vvp -n sim.vvp 2>&1")
    assert "head" not in script and RC_FILE not in script
    assert [shell_status(c) for c in (0, 3, -9, -13)] == [0, 3, 137, 141]


def test_simulate_asks_for_the_kill_only_from_a_sandbox_that_honours_it():
    from chipsmith.tools.simulate import COMPILE_RC, OUTPUT_CAP

    seen: list[tuple[list[str], Limits]] = []

    class Box:
        name = "fake"

        def __init__(self, cuts: bool, result: ExecResult) -> None:
            self.kills_past_output, self.result = cuts, result

        def run(self, cmd, files, *, timeout_s, limits=None, want=()):
            seen.append((cmd, limits))
            return self.result.model_copy(update={"files": {COMPILE_RC: b"0\n"}})

        def close(self) -> None:
            pass

    tb = {"tb.v": b"module tb; initial $finish; endmodule\n"}
    endless = ExecResult(exit_code=-9, stdout="x" * (OUTPUT_CAP + 1), stderr="", truncated=True)
    res = simulate(tb, sandbox=Box(True, endless))
    assert (res.failure_class, "without a verdict" in res.message) == ("timeout", True)
    assert seen[-1][1].kill_past_output and "head" not in seen[-1][0][2]
    # timeout's own kill (vvp and itself, SIGKILL) is still a timeout
    hung = ExecResult(exit_code=-9, stdout="", stderr="")
    assert (
        simulate(tb, sandbox=Box(True, hung), timeout_s=3).message == "simulation did not finish within 3 s"
    )
    passed = ExecResult(exit_code=0, stdout="Mismatches: 0 in 5 samples\n", stderr="")
    assert simulate(tb, sandbox=Box(True, passed)).passed
    assert simulate(tb, sandbox=Box(False, passed)).passed  # another sandbox: head cuts the output
    assert not seen[-1][1].kill_past_output and seen[-1][0][2].endswith(f"| head -c {OUTPUT_CAP + 1}")
