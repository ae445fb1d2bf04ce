"""``chipsmith chat`` driven through a pseudo-terminal, as a user types into it.

Only the model is replaced (a scripted one, or the loopback OpenAI-compatible server over real
HTTP); the session, the orchestrator, the simulator and the tracer are real.

- a scripted session: a request, the tool calls streaming, the verdict; /files, /show, /wave,
  a second turn that fixes the design, /diff, /exit;
- Ctrl-C during a step: the step stops, the prompt comes back, the next request is answered;
- SIGKILL mid-step: ``chat --last`` shows the history, says the last turn was interrupted, and the
  model receives the whole conversation with the next request.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers import require_module, require_tool
from loopback_llm import reply, slow, tool_call

pytestmark = [pytest.mark.integration, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[3]
REF = (ROOT / "src/chipsmith/benchmarks/suites/chipsmith_rtl/adder8/ref.v").read_text()
BUGGY = (ROOT / "tests/data/verify/adder8_bug.v").read_text()
TB = (ROOT / "tests/data/verify/adder8_tb_strong.sv").read_text()
NOTICE = "scripted replies replayed from a file: not a real model"


@pytest.fixture(autouse=True)
def _tools() -> None:
    require_tool("iverilog", "yosys")
    require_module("langchain")


def write(path: str, content: str, say: str = "") -> dict[str, Any]:
    return {
        "content": say,
        "tool_calls": [{"name": "write_file", "args": {"path": path, "content": content}}],
    }


def _wait(pred: Any, timeout: float) -> None:
    end = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < end, "timed out waiting"
        time.sleep(0.05)


def test_a_scripted_session_streams_tool_calls_and_the_slash_commands_show_its_files_and_waveform(
    chat, tmp_path
):
    script = tmp_path / "script.yaml"
    script.write_text(yaml.safe_dump({"replies": [
        write("tb/adder8_tb.sv", TB, "Plan: the testbench first, then the design."),
        write("rtl/adder8.v", BUGGY), "Done: rtl/adder8.v passes every check.",
        write("rtl/adder8.v", REF), "Fixed the carry out.",
    ]}))  # fmt: skip
    c = chat("--model", f"scripted:{script}", "--workspace", str(tmp_path / "ws"))
    c.prompt()
    turn = c.command("Write adder8 (an 8-bit adder with carry) in rtl/adder8.v with a testbench.")
    assert "(scripted replies replayed from a file: not a real model)" in turn  # the banner
    lines = [ln.strip() for ln in turn.splitlines()]
    assert "Plan: the testbench first, then the design." in lines
    i = lines.index("-> write_file(content=<1518 chars, 40 lines>, path=tb/adder8_tb.sv)")
    assert lines[i + 1].startswith("<- write_file: wrote 40 lines (")
    assert "-> write_file(content=<247 chars, 5 lines>, path=rtl/adder8.v)" in lines
    assert (
        "check [FAIL] testbench tb/adder8_tb.sv on rtl/adder8.v: FAIL: 74 mismatches in 306 samples" in lines
    )
    assert "turn 1: NOT MET" in turn and "Verdict: NOT MET" in turn and NOTICE in turn.split("turn 1:")[1]

    files = c.command("/files")
    assert all(f in files for f in ("rtl/adder8.v *", "sim/adder8.vcd *", "tb/adder8_tb.sv *"))
    shown = c.command("/show rtl/adder8.v")
    assert "4   assign cout = a[7] & b[7];" in shown
    wave = c.command("/wave").splitlines()
    rows = {ln.split("  ")[0]: ln for ln in wave if ln and not ln.startswith((" ", "("))}
    assert "cout: got 1'b0, expected 1'b1" in "\n".join(wave)
    assert {"a", "b", "cin", "cout", "sum", "cout (exp)"} <= set(rows)
    mark = next(ln for ln in wave if "^ first mismatch (1 ns)" in ln)
    col = mark.index("^")
    # at the mark a=ff, b=01: the design's carry out stays low where the expected one rises
    assert rows["a"][col : col + 3] == "|ff" and rows["b"][col : col + 3] == "|01"
    assert rows["cout"][col : col + 3] == "___" and rows["cout (exp)"][col : col + 3] == "/--"
    assert "no signal matches 'nope'" in c.command("/wave nope")
    assert "unknown command /shw: did you mean /show?" in c.command("/shw rtl/adder8.v")

    fixed = c.command("Fix the carry out.")
    assert "turn 2: MET" in fixed and "check [pass] testbench tb/adder8_tb.sv on rtl/adder8.v" in fixed
    diff = c.command("/diff rtl/adder8.v")
    head, *body = diff.strip().splitlines()
    assert re.fullmatch(
        r"rtl/adder8.v: \+\d+ -\d+ against rtl/adder8.v \(turn 1, the session's, da319570\)", head
    )
    assert "-  assign cout = a[7] & b[7];" in body and "+++ rtl/adder8.v (now)" in body
    assert [ln for ln in body if ln.startswith("+") and not ln.startswith("+++")] == [
        "+  assign {cout, sum} = a + b + cin;"
    ]
    c.child.sendline("/exit")
    assert c.ended() == 0


def test_ctrl_c_stops_the_step_and_the_session_goes_on(chat, loopback_llm, tmp_path):
    loopback_llm.script(
        tool_call("write_file", {"path": "notes.txt", "content": "first\n"}),
        slow(4, reply("A very long essay that should never be shown in full.")),
        reply("Yes, the session is still here."),
    )
    c = chat("--model", loopback_llm.spec())
    c.prompt()
    c.child.sendline("Write notes.txt, then an essay.")
    c.expect("<- write_file: wrote 1 line")
    _wait(lambda: len(loopback_llm.requests) >= 2, 60)  # the slow reply is in flight
    c.child.sendintr()
    c.expect("stopping the step")
    stopped = c.prompt()
    assert "turn 1: CANCELLED" in stopped and "the step was stopped; the session goes on" in stopped
    assert "never be shown" not in stopped
    assert c.child.isalive()
    answer = c.command("Are you still there?")
    assert "Yes, the session is still here." in answer and "turn 2: ANSWERED" in answer
    assert (Path(c.out.split("workspace ")[1].split()[0]) / "notes.txt").read_text() == "first\n"
    c.child.sendeof()  # Ctrl-D leaves
    assert c.ended() == 0


def test_a_chat_killed_mid_step_resumes_with_last_and_its_history_intact(chat, loopback_llm, tmp_path):
    loopback_llm.script(reply("Noted: ORCHID.", usage=(50, 4)), slow(30, reply("too late")))
    first = chat("--model", loopback_llm.spec())
    first.prompt()
    assert "Noted: ORCHID." in first.command("Remember the word ORCHID.")
    first.child.sendline("Now write a long essay.")
    _wait(lambda: len(loopback_llm.requests) >= 2, 60)
    os.kill(first.child.pid, signal.SIGKILL)
    assert first.ended() is None and first.child.signalstatus == signal.SIGKILL

    loopback_llm.script(reply("The word was ORCHID."))
    again = chat("--last")
    shown = again.prompt()
    assert "resumed session" in shown
    assert shown.index("you (turn 1): Remember the word ORCHID.") < shown.index("Noted: ORCHID.")
    assert "turn 1: ANSWERED" in shown and "you (turn 2): Now write a long essay." in shown
    assert "turn 2 did not finish (interrupted" in shown
    answer = again.command("What was the word?")
    assert "The word was ORCHID." in answer and "turn 3: ANSWERED" in answer
    sent = [str(m.get("content")) for m in loopback_llm.requests[-1]["body"]["messages"]]
    assert any("Remember the word ORCHID." in t for t in sent) and "Noted: ORCHID." in sent
    # The killed turn's own request may or may not have reached the checkpoint: LangGraph writes
    # checkpoints in the background while the model call runs (durability "async"), and the
    # process died during that call. What came before the step in progress is always there.
    budget = again.command("/budget")
    assert (
        budget.split("model calls")[1].split()[0] == "2"
    )  # turn 1's and turn 3's; the killed one never answered
    again.child.sendline("/exit")
    assert again.ended() == 0


def test_the_recorded_demo_of_docs_chat_md_still_runs_as_shown():
    """docs/chat.md's scripted transcript: sub-agents streaming one level down, the user's draft
    failing, the RTL agent's fix passing with its PPA, /wave, /diff against the user's version, /ppa."""
    require_module("pexpect")
    res = subprocess.run(
        [sys.executable, str(Path(__file__).parent / "data" / "record_demo.py")],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr[-2000:]
    out = res.stdout
    for line in (
        "  -> write_testbench(spec=<249 chars, 7 lines>, top=adder8, interface=<86 chars, 1 lines>)",
        "    [verify] model replied: 11 line(s)",
        "  check [FAIL] testbench tb/adder8_tb.sv on rtl/adder8.v: FAIL: 74 mismatches in 306 samples",
        "  cout: got 1'b0, expected 1'b1",
        "    [rtl] -> simulate(sources=[tb/adder8_tb.sv, adder8.v], top=tb)",
        "  check [pass] testbench tb/adder8_tb.sv on rtl/adder8.v: pass (0 mismatches in 306 samples)",
        "rtl/adder8.v: +1 -3 against rtl/adder8.v (turn 1, yours, da319570)",
        "+  assign {cout, sum} = a + b + cin;",
    ):
        assert line in out.splitlines(), line
    assert "turn 1: NOT MET" in out and "turn 2: MET" in out and out.count(NOTICE) >= 3
    table = out.split("you> /ppa")[1].splitlines()
    row = next(ln.split() for ln in table if ln.strip().startswith("rtl/adder8.v"))
    assert row[-1] == "pass" and float(row[2]) > 0  # the fixed design's area, from its PPA check
