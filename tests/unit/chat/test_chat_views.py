"""The chat's pure views: /diff's base version, lexers, /budget rows, the saved export's notice,
and the live printer on a recorded event stream (rendered to a string, no terminal)."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from rich.console import Console

from chipsmith.agents.session_models import FileVersion, Outcome, SessionEvent, SessionInfo, UsageInfo
from chipsmith.chat.actions import budget_rows, with_notice
from chipsmith.chat.files_view import diff_base, lexer_for, unified
from chipsmith.chat.view import Printer, line_style, sub_model_line

pytestmark = pytest.mark.unit


def v(sha: str, turn: int, origin: str = "session") -> FileVersion:
    return FileVersion(path="rtl/a.v", sha=sha * 64, size=1, turn=turn, origin=origin)  # type: ignore[arg-type]


def test_diff_base_is_the_previous_version_or_the_last_one_after_an_unrecorded_edit():
    one, two, three = v("1", 0, "user"), v("2", 1), v("3", 2)
    assert diff_base([one, two, three], "3" * 64) is two  # the file as the session left it
    assert diff_base([one, two, three], "9" * 64) is three  # edited since: compare with the last recorded
    assert diff_base([one, two, two], "2" * 64) is one  # a repeated version is one version
    assert diff_base([one], "1" * 64) is None and diff_base([], "1" * 64) is None
    assert diff_base([one, two], None) is one  # deleted: its last version against the one before


def test_unified_diff_and_lexers():
    text = unified("a\nb\n", "a\nc\n", "old", "new")
    assert text.splitlines() == ["--- old", "+++ new", "@@ -1,2 +1,2 @@", " a", "-b", "+c"]
    assert unified("same\n", "same\n", "x", "y") == ""
    assert unified("no newline", "no newline at all", "x", "y").endswith("at all\n")
    assert (lexer_for("rtl/a.v"), lexer_for("tb/t.SV"), lexer_for("k.cu"), lexer_for("x.unknown")) == (
        "verilog", "systemverilog", "cuda", "text")  # fmt: skip


def test_budget_rows_show_spent_against_limits_and_an_unknown_price():
    usage = UsageInfo(input_tokens=1000, output_tokens=200, cost_usd=None, model_calls=4, cached_calls=1,
                      tool_calls=7, wall_s=12.34, limits={"max_tokens": 5000, "max_usd": 1.0})  # fmt: skip
    assert budget_rows(usage) == [
        ("tokens", "1200 (1000 in, 200 out)", "5000"),
        ("cost", "unknown (no price for this model)", "$1.00"),
        ("model calls", "4 (1 cached)", "no limit"),
        ("tool calls", "7", "no limit"),
        ("time in turns", "12.3 s", "no limit"),
    ]


def test_the_saved_export_carries_the_model_notice_under_its_title():
    md = "# chipsmith session X: t\n\n- model: local\n"
    assert with_notice(md, "it proves the path") == (
        "# chipsmith session X: t\n\n> model notice: it proves the path\n\n- model: local\n"
    )
    assert with_notice(md, None) == md


def ev(event_kind: str, depth: int = 0, agent: str = "orchestrator", **data) -> SessionEvent:
    return SessionEvent(kind=event_kind, session="s", turn=1, depth=depth, agent=agent, data=data)  # type: ignore[arg-type]


def test_line_styles_and_sub_agent_model_lines():
    assert (
        line_style(ev("tool_end", status="fail")) == "red"
        and line_style(ev("tool_end", status="ok")) == "green"
    )
    assert line_style(ev("check", passed=False)) == "bold red" and line_style(ev("tool_start")) == "cyan"
    line = sub_model_line(
        ev("model", 1, "rtl", text="```verilog\nmodule m;\nendmodule\n```", tool_calls=["lint"])
    )
    assert line == "    [rtl] model replied: 4 line(s), calls lint"
    assert sub_model_line(ev("model", 0, text="hi")) is None


OUTCOME = Outcome(session="s", turn=1, request="make adder8", status="not_met", met=False,
                  reasons=["rtl/a.v: FAIL"], answer="Done, all checks pass.",
                  report="Checks run this turn:\n  [FAIL] testbench\nVerdict: NOT MET",
                  model="scripted:x.yaml (not a real model)", notice="not a real model")  # fmt: skip
STREAM = [
    ev("turn_start", request="make adder8", model=OUTCOME.model, notice="not a real model"),
    ev("text", delta="Plan: "),
    ev("text", delta="write it."),
    ev("model", text="Plan: write it.", tool_calls=["design_rtl"]),
    ev(
        "tool_start",
        call="o1",
        tool="design_rtl",
        args={"spec": "<249 chars, 7 lines>", "top": "adder8", "path": ""},
    ),
    ev("model", 1, "rtl", text="```verilog\nmodule adder8;\nendmodule\n```"),
    ev("tool_start", 1, "rtl", call="r1", tool="simulate", args={"top": "tb"}),
    ev(
        "tool_end",
        1,
        "rtl",
        call="r1",
        tool="simulate",
        status="ok",
        verdict="FAIL (3 in 40)",
        duration_s=0.2,
    ),
    ev("tool_end", call="o1", tool="design_rtl", status="fail", verdict="fail", duration_s=2.5),
    ev("check", kind="testbench", passed=False, summary="testbench tb/t.sv on rtl/a.v: FAIL: 3 mismatches"),
    ev("text", delta="Done, all checks pass."),
    ev("model", text="Done, all checks pass."),
    ev("usage", input_tokens=1),
    ev("outcome", **OUTCOME.model_dump(mode="json")),
]


def render(fn) -> str:
    buf = io.StringIO()
    fn(Printer(Console(file=buf, width=100, force_terminal=False, color_system=None)))
    return buf.getvalue()


def test_the_live_stream_shows_the_reply_the_tool_calls_as_they_happen_and_the_verdict_with_the_notice():
    out = render(lambda p: [p.event(e) for e in STREAM])
    lines = out.splitlines()
    assert lines[0] == "Plan: write it."
    assert lines[1] == "  -> design_rtl(spec=<249 chars, 7 lines>, top=adder8)"
    assert lines[2] == "    [rtl] model replied: 4 line(s)"
    assert lines[3:6] == ["    [rtl] -> simulate(top=tb)", "    [rtl] <- simulate: FAIL (3 in 40) (0.2 s)",
                          "  <- design_rtl: fail (2.5 s)"]  # fmt: skip
    assert lines[6] == "  check [FAIL] testbench tb/t.sv on rtl/a.v: FAIL: 3 mismatches"
    assert lines[7] == "Done, all checks pass."
    assert "turn 1: NOT MET" in lines[8] and "Verdict: NOT MET" in out
    assert "model: scripted:x.yaml (not a real model)" in out  # the notice on the outcome


def test_replay_shows_each_turn_and_says_when_the_last_one_was_interrupted():
    second = [ev("turn_start", request="now make it smaller", model="m", notice=None),
              ev("model", text="Plan: optimize.", tool_calls=["optimize_design"]),
              ev("tool_start", call="o1", tool="optimize_design", args={"goal": "area"})]  # fmt: skip
    for e in second:
        e.turn = 2
    session = SimpleNamespace(
        info=SessionInfo(id="s", workspace="/w", turns=2, status="interrupted"),
        outcomes=lambda: [OUTCOME],
        events=lambda: [e for e in STREAM if e.kind != "text"] + second,
    )
    out = render(lambda p: p.replay(session))
    assert out.count("you (turn ") == 2 and "you (turn 1): make adder8" in out
    assert "you (turn 2): now make it smaller" in out
    assert "Done, all checks pass." in out and "turn 1: NOT MET" in out and "Plan: optimize." in out
    assert "-> optimize_design(goal=area)" in out
    assert out.rstrip().endswith("the next request continues the same history")
    assert "turn 2 did not finish (interrupted" in out
