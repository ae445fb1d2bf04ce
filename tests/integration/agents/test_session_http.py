"""Sessions over real HTTP: a loopback OpenAI-compatible server, streaming on, and a killed process.

- One whole session (orchestrator, verification agent, RTL agent) against the loopback server:
  every request streams (server-sent events), the orchestrator's reply reaches the session's
  events as several text chunks (the token path added to ``chipsmith.llm.chat``), the outcome is met.
- A session process is killed (SIGKILL) while a model request is in flight; the session reopens
  as interrupted and the next turn continues with the history and the budget spent so far.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from helpers import require_module, require_tool
from loopback_llm import reply, slow, tool_call

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
SUITE = ROOT / "src" / "chipsmith" / "benchmarks" / "suites" / "chipsmith_rtl"
VERIFY = ROOT / "tests" / "data" / "verify"
INTERFACE = "module adder8(input [7:0] a, input [7:0] b, input cin, output [7:0] sum, output cout);"


@pytest.fixture(autouse=True)
def _tools() -> None:
    require_tool("iverilog", "yosys")
    require_module("langchain_openai")
    require_module("pyslang")


def fenced(code: str) -> str:
    return f"```verilog\n{code}```\n"


def settings(home: Path) -> Any:
    from chipsmith.config import Settings

    return Settings(home=home, llm_cache=False)


def test_a_whole_session_over_http_with_streaming(loopback_llm, tmp_path):
    from chipsmith.agents.session import SessionManager

    spec = (SUITE / "adder8" / "spec.md").read_text()
    final = "adder8 is designed in rtl/adder8.v and passes its testbench tb/adder8_tb.sv with 0 mismatches."
    loopback_llm.script(
        tool_call("write_testbench", {"spec": spec, "top": "adder8", "interface": INTERFACE}),
        reply(fenced((VERIFY / "adder8_tb_strong.sv").read_text())),
        tool_call("design_rtl", {"spec": spec, "top": "adder8", "interface": INTERFACE}),
        reply(fenced((SUITE / "adder8" / "ref.v").read_text())),
        reply(final, usage=(900, 20)),
    )
    s = SessionManager(settings=settings(tmp_path / "home")).create(model=loopback_llm.spec())
    turn = s.send("Design an 8-bit adder (adder8) with a testbench.")
    events = list(turn)
    s.close()
    out = turn.outcome
    assert out is not None and out.status == "met", out.reasons
    bodies = [r["body"] for r in loopback_llm.requests]
    assert len(bodies) == 5 and all(b.get("stream") is True for b in bodies)
    offered = {t["function"]["name"] for t in bodies[0]["tools"]}
    assert {"design_rtl", "write_testbench", "verify_design", "check_ppa", "read_file"} <= offered
    chunks = [e.data["delta"] for e in events if e.kind == "text" and e.turn == 1]
    assert len(chunks) > 5 and "".join(chunks).strip() == final  # token by token, not one block
    assert out.usage.input_tokens >= 900 and out.usage.model_calls == 5


CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from chipsmith.agents.session import SessionManager
    from chipsmith.config import Settings

    home, spec = Path(sys.argv[1]), sys.argv[2]
    s = SessionManager(settings=Settings(home=home, llm_cache=False)).create(model=spec)
    print(s.id, flush=True)
    s.run_turn("Remember the word ORCHID.")
    print("turn 1 done", flush=True)
    s.run_turn("Now write a long essay.")  # the server answers too late: the process is killed first
    """
)


def _wait(pred: Any, timeout: float) -> None:
    end = time.monotonic() + timeout
    while not pred():
        if time.monotonic() > end:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


def test_a_killed_session_resumes_with_its_history_and_budget(loopback_llm, tmp_path):
    from chipsmith.agents.session import SessionManager

    home = tmp_path / "home"
    loopback_llm.script(reply("Noted: ORCHID.", usage=(50, 4)), slow(30, reply("too late")))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(home), loopback_llm.spec()],
        stdout=subprocess.PIPE, text=True, env=env, cwd=tmp_path,
    )  # fmt: skip
    try:
        sid = (child.stdout.readline() if child.stdout else "").strip()
        _wait(lambda: len(loopback_llm.requests) >= 2, 60)  # the second turn's request is in flight
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    mgr = SessionManager(settings=settings(home))
    assert mgr.store.load(sid).status == "interrupted"
    loopback_llm.script(reply("The word was ORCHID."))
    s = mgr.open(sid)
    assert s.usage().model_calls == 1 and s.usage().input_tokens == 50  # turn 1's call, from the ledger
    out = s.run_turn("What was the word?")
    s.close()
    assert out.answer == "The word was ORCHID." and out.turn == 3
    sent = loopback_llm.requests[-1]["body"]["messages"]
    texts = [str(m.get("content")) for m in sent]
    assert any("Remember the word ORCHID." in t for t in texts) and "Noted: ORCHID." in texts
    assert any("Now write a long essay." in t for t in texts)  # the killed turn's request is kept
    assert [o.turn for o in s.outcomes()] == [1, 3] and s.info.status == "idle"
