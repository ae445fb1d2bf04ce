"""Renderers: compact, bounded, deterministic text per result type, with a generic fallback."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from chipsmith.agents.tooling.render import bound, render, renderer, scrub
from chipsmith.tools._hdl_logs import Diagnostic
from chipsmith.tools.equivalence import EquivResult
from chipsmith.tools.lint import LintResult
from chipsmith.tools.simulate import SimResult
from chipsmith.tools.synthesize import SynthResult

pytestmark = pytest.mark.unit


def _diag(sev, msg, code=None, tool="verilator", line=3):
    return Diagnostic(file="top.v", line=line, column=None, severity=sev, code=code, message=msg, tool=tool)


def test_lint_failure_lists_errors_first_and_gives_error_lines():
    r = LintResult(
        ok=False,
        diagnostics=[
            _diag("warning", "Signal is not used: 'b'", "UNUSEDSIGNAL"),
            _diag("error", "syntax error", tool="iverilog"),
        ],
        tools=["verilator", "iverilog"],
        wall_s=0.8,
    )
    shown = render("lint", r)
    assert shown.status == "fail" and shown.verdict == "1 error, 1 warning"
    assert shown.text.splitlines() == [
        "lint (verilator, iverilog): FAILED: 1 error, 1 warning",
        "top.v:3: error: syntax error",
        "top.v:3: warning[UNUSEDSIGNAL]: Signal is not used: 'b'",
    ]
    assert shown.errors == (
        "top.v:3: error: syntax error",
        "top.v:3: warning[UNUSEDSIGNAL]: Signal is not used: 'b'",
    )
    assert "0.8" not in shown.text


def test_lint_clean():
    shown = render("lint", LintResult(ok=True, diagnostics=[], tools=["verilator", "iverilog"], wall_s=1))
    assert (shown.status, shown.verdict, shown.errors) == ("ok", "clean", ())


def test_simulation_mismatch_shows_the_output_tail_without_error_lookup():
    log = "\n".join(f"t={i} got 1 expected 0" for i in range(200)) + "\nMismatches: 200 in 200 samples\n"
    r = SimResult(passed=False, failure_class="mismatch", simulator="iverilog", mismatches=200, samples=200,
                  message="200 mismatches in 200 samples", log=log, wall_s=0.3)  # fmt: skip
    shown = render("simulate", r)
    assert shown.status == "fail" and shown.verdict == "mismatch (200 in 200)" and shown.errors == ()
    lines = shown.text.splitlines()
    assert lines[0] == "simulate (iverilog): MISMATCH: 200 mismatches in 200 samples"
    assert (
        lines[-1] == "Mismatches: 200 in 200 samples" and "t=199" in shown.text and "t=100 " not in shown.text
    )


def test_simulation_compile_failure_shows_diagnostics_and_looks_them_up():
    r = SimResult(passed=False, failure_class="compile", simulator="iverilog", message="compile error",
                  log="top.v:3: syntax error\n", wall_s=0.1, diagnostics=[_diag("error", "syntax error", tool="iverilog")])  # fmt: skip
    shown = render("simulate", r)
    assert "compile messages:\ntop.v:3: error: syntax error" in shown.text
    assert shown.errors == ("top.v:3: error: syntax error",)


def test_simulation_pass_with_vcd():
    r = SimResult(passed=True, failure_class="pass", simulator="iverilog", message="pass (0 mismatches in 8 samples)",
                  log="ok", wall_s=0.1, vcd=b"x" * 1234)  # fmt: skip
    shown = render("simulate", r)
    assert (
        shown.text
        == "simulate (iverilog): PASS: pass (0 mismatches in 8 samples)\nwaveform: VCD captured (1234 bytes)"
    )


def test_synthesis_and_equivalence():
    s = SynthResult(top="add", liberty=["lib"], cell_count=12, cells={"NAND2": 8, "INV": 4}, area_um2=15.5,
                    logic_depth=4, delay_ps=120.0, fmax_mhz=8333.333, clock_period_ps=1000, power_w=1.2e-5,
                    power_assumption="activity 0.1", log="CPU: user 0.01s", wall_s=0.7)  # fmt: skip
    text = render("synthesize", s).text
    assert text.startswith("synthesize: top add, 12 cells, area 15.5 um^2")
    assert "NAND2 x8, INV x4" in text and "CPU" not in text
    e = EquivResult(equivalent=False, method="sat-comb", depth=None, counterexample=[{"a": "1", "gold.y": "1", "gate.y": "0"}],
                    message="counterexample found", log="", wall_s=0.2)  # fmt: skip
    shown = render("equivalence", e)
    assert shown.status == "fail"
    assert (
        shown.text
        == "equivalence (sat-comb): NOT EQUIVALENT: counterexample found\nstep 0: a=1, gold.y=1, gate.y=0"
    )


def test_knowledge_hits_are_numbered_and_cut():
    hits = [{"text": "x" * 2000, "source": "s.md", "section": "FIFO", "kind": "doc", "score": 0.5, "id": "1"}]
    text = render("knowledge_search", hits).text
    assert text.startswith("[1] s.md / FIFO (doc)\n") and text.endswith("[...]") and len(text) < 800


class Custom(BaseModel):
    ok: bool
    blob: bytes
    log: str
    wall_s: float
    note: str


class Friendly(BaseModel):
    def agent_text(self) -> str:
        return "friendly text"


def test_generic_fallback_and_agent_text_hook():
    shown = render("plugin_tool", Custom(ok=False, blob=b"abc", log="long log", wall_s=1.5, note="n" * 3000))
    assert shown.status == "fail"
    assert '"blob": "<3 bytes>"' in shown.text and "wall_s" not in shown.text and "long log" not in shown.text
    assert "[... 1000 more]" in shown.text
    assert render("x", Friendly()).text == "friendly text"
    assert render("x", None).text == "done" and render("x", "plain").text == "plain"


def test_renderer_registration_by_tool_name():
    @renderer("my_tool_for_test")
    def _mine(result):
        from chipsmith.agents.tooling.render import Rendered

        return Rendered(f"mine: {result}", "ok", "done")

    assert render("my_tool_for_test", 3).text == "mine: 3"


def test_scrub_removes_sandbox_dirs_workspace_root_and_wall_times():
    text = (
        "/tmp/chipsmith-ab12_x/run/top.v:3: error: bad\n"
        "/work/chipsmith/run-0123456789ab/top.v:4: warning\n"
        "- Verilator: $finish at 1ns; walltime 0.004 s; speed 0.000 s/s\n"
        "- S i m u l a t i o n   R e p o r t: Verilator 5.006\n"
        "End of script. Logfile hash: aa5783b19e, CPU: user 0.01s system 0.00s, MEM: 12.95 MB peak\n"
        "/home/u/ws/rtl/top.v is fine\n"
    )
    assert scrub(text, ("/home/u/ws",)) == "top.v:3: error: bad\ntop.v:4: warning\nrtl/top.v is fine\n"


def test_bound_keeps_head_and_tail():
    text = "HEAD" + "x" * 10_000 + "TAIL"
    cut = bound(text, 1000)
    assert (
        len(cut) <= 1000 and cut.startswith("HEAD") and cut.endswith("TAIL") and "characters left out" in cut
    )
    assert bound("short", 1000) == "short"
