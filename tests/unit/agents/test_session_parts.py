"""Pure and file-level parts of sessions: store, versions, budget and cancel, streaming, events, views."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from chipsmith.agents.session_models import CheckRecord, SessionEvent, SessionInfo
from chipsmith.agents.session_store import (
    SessionBusy,
    SessionError,
    SessionStore,
    append_jsonl,
    new_id,
    read_jsonl,
    turn_lock,
)

pytestmark = pytest.mark.unit


def info(sid: str, updated: float, **kw: object) -> SessionInfo:
    return SessionInfo(id=sid, workspace="/tmp/ws", updated=updated, **kw)  # type: ignore[arg-type]


def test_store_ids_resolve_and_interrupted_sessions(tmp_path):
    store = SessionStore(tmp_path)
    assert re.fullmatch(r"\d{8}-\d{6}-[0-9a-f]{4}", new_id())
    dead = subprocess.Popen(["true"])
    dead.wait()
    store.save(info("20260101-000000-aaaa", 1.0))
    store.save(info("20260102-000000-bbbb", 2.0, status="running", pid=dead.pid))
    store.save(info("20260103-000000-cccc", 3.0, status="running", pid=os.getpid()))
    assert [i.id for i in store.list()] == [
        "20260103-000000-cccc",
        "20260102-000000-bbbb",
        "20260101-000000-aaaa",
    ]
    assert store.load("20260102-000000-bbbb").status == "interrupted"  # its turn's process is gone
    assert store.load("20260103-000000-cccc").status == "running"
    assert (
        store.resolve("last") == "20260103-000000-cccc"
        and store.resolve("20260101") == "20260101-000000-aaaa"
    )
    with pytest.raises(SessionError, match="3 sessions matching"):
        store.resolve("2026")
    for bad in ("nope", "../etc"):
        with pytest.raises(SessionError, match="not a session id"):
            store.paths(bad)
    (store.root / "20260104-000000-dddd").mkdir()
    (store.root / "20260104-000000-dddd" / "session.json").write_text("{broken")
    assert len(store.list()) == 3  # an unreadable session is left out of the list, not fatal


def test_jsonl_skips_a_torn_line_and_the_turn_lock_refuses_a_second_holder(tmp_path):
    path = tmp_path / "x.jsonl"
    append_jsonl(path, info("20260101-000000-aaaa", 1.0))
    with path.open("a") as fh:
        fh.write('{"id": "2026')  # killed mid-write
    assert [i.id for i in read_jsonl(path, SessionInfo)] == ["20260101-000000-aaaa"]
    with turn_lock(tmp_path / "lock"), pytest.raises(SessionBusy), turn_lock(tmp_path / "lock"):
        pass
    with turn_lock(tmp_path / "lock"):  # released
        pass


def test_file_versions_and_changes(tmp_path):
    from chipsmith.agents.session_files import FileHistory, changes, snapshot
    from chipsmith.agents.session_store import SessionPaths
    from chipsmith.agents.workspace import Workspace

    ws = Workspace(tmp_path / "ws")
    hist = FileHistory(SessionPaths(tmp_path / "s"), ws)
    ws.write("rtl/a.v", "module a; endmodule\n")
    first = snapshot(ws)
    hist.record(first, 1, "user")
    ws.write("rtl/a.v", "module a(input x); endmodule\n")
    ws.write("tb/t.sv", "module tb; endmodule\n")
    second = snapshot(ws)
    hist.record(second, 1, "session")
    hist.record(second, 2, "session")  # unchanged: nothing new
    assert [(c.path, c.status) for c in changes(first, second, dict(ws.list()))] == [
        ("rtl/a.v", "modified"),
        ("tb/t.sv", "added"),
    ]
    versions = hist.versions("rtl/a.v")
    assert [v.origin for v in versions] == ["user", "session"] and len(hist.versions()) == 3
    assert hist.read(versions[0].sha) == b"module a; endmodule\n"
    assert (
        hist.origin_of("rtl/a.v", versions[0].sha) == "user" and hist.origin_of("rtl/a.v", "f" * 64) is None
    )
    with pytest.raises(ValueError):
        hist.read("../../etc/passwd")
    assert {f.path: f.versions for f in hist.files()} == {"rtl/a.v": 2, "tb/t.sv": 1}


def test_dangling_tool_calls_get_an_interrupted_result_and_the_final_answer_is_found():
    from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

    from chipsmith.agents.session_turn import dangling_results, final_answer

    calls = [{"name": "design_rtl", "args": {}, "id": "a"}, {"name": "lint", "args": {}, "id": "b"}]
    msgs = [HumanMessage("go"), AIMessage("", tool_calls=calls), ToolMessage("ok", tool_call_id="a")]
    out = dangling_results(msgs)
    assert [(m.tool_call_id, m.name, m.status) for m in out] == [("b", "lint", "error")]
    assert dangling_results(msgs + out + [AIMessage("done")]) == []
    assert final_answer([HumanMessage("1"), AIMessage("old"), HumanMessage("2"), AIMessage("", tool_calls=calls[:1]),
                         ToolMessage("x", tool_call_id="a"), AIMessage("new")]) == "new"  # fmt: skip
    assert final_answer([HumanMessage("1"), AIMessage("old"), HumanMessage("2")]) == ""


def test_tracker_seeded_from_earlier_turns_cancel_and_a_clock_that_stops_between_turns():
    from chipsmith.agents.session_budget import SessionTracker, StepCancelled
    from chipsmith.llm import Budget, BudgetExceeded
    from chipsmith.llm.ledger import UsageSummary

    now = [100.0]
    t = SessionTracker(Budget(max_model_calls=5, max_wall_s=50))
    t._clock = lambda: now[0]
    t.seed(UsageSummary(model_calls=4, input_tokens=10, output_tokens=5, tool_calls=2), wall_s=30.0)
    t.restart_clock()
    now[0] += 10
    assert t.wall_s == pytest.approx(40.0) and t.tokens == 15
    t.check_model_call("m", 1, 0.0)  # the 5th call is allowed
    t.model_calls += 1
    with pytest.raises(BudgetExceeded, match="model-call budget"):
        t.check_model_call("m", 1, 0.0)
    assert t.stop_clock() == pytest.approx(40.0)
    now[0] += 1000  # idle between turns: not counted
    assert t.wall_s == pytest.approx(40.0)
    t.restart_clock()
    t.cancelled.set()
    with pytest.raises(StepCancelled) as exc:
        t.charge_tool_call("lint")
    assert isinstance(exc.value, BudgetExceeded) and exc.value.limit == "cancelled"


def test_token_stream_passes_tokens_or_the_whole_reply_and_stops_when_cancelled():
    from langchain_core.messages import AIMessage
    from langchain_core.outputs import ChatGeneration, LLMResult

    from chipsmith.agents.session_budget import SessionTracker, StepCancelled, TokenStream

    got: list[str] = []
    tracker = SessionTracker()
    ts = TokenStream(got.append, tracker)
    result = LLMResult(generations=[[ChatGeneration(message=AIMessage("whole reply"))]])
    ts.on_chat_model_start({}, [])
    ts.on_llm_end(result)  # did not stream: the whole text once
    ts.on_chat_model_start({}, [])
    ts.on_llm_new_token("a ")
    ts.on_llm_new_token("b")
    ts.on_llm_end(result)  # streamed: not repeated
    assert got == ["whole reply", "a ", "b"]
    tracker.cancelled.set()
    with pytest.raises(StepCancelled):
        ts.on_llm_new_token("c")


def ev(kind: str, agent: str = "orchestrator", depth: int = 0, **data: object) -> SessionEvent:
    return SessionEvent(kind=kind, session="s", turn=1, agent=agent, depth=depth, data=data)  # type: ignore[arg-type]


def test_event_lines_and_the_export_list_of_tool_calls():
    from chipsmith.agents.session_export import tool_lines
    from chipsmith.commands.run import event_line

    events = [
        ev("tool_start", call="o1", tool="design_rtl", args={"top": "adder8", "files": "[]"}),
        ev("tool_start", "rtl", 1, call="r-1", tool="lint", args={"sources": "[adder8.v]"}),
        ev("tool_end", "rtl", 1, call="r-1", tool="lint", status="ok", verdict="clean", duration_s=0.2),
        ev("tool_end", call="o1", tool="design_rtl", status="ok", verdict="pass", duration_s=3.0),
        ev("tool_start", call="o2", tool="verify_design", args={}),
    ]
    assert tool_lines(events) == [
        "  - `design_rtl(top=adder8)` -> pass (3.0 s)",
        "    - [rtl] `lint(sources=[adder8.v])` -> clean (0.2 s)",
        "  - `verify_design()` -> (did not finish)",
    ]
    assert event_line(events[0]) == "  -> design_rtl(top=adder8)"
    assert event_line(events[2]) == "    [rtl] <- lint: clean (0.2 s)"
    assert (
        event_line(ev("check", passed=False, summary="testbench x: FAIL"))
        == "  check [FAIL] testbench x: FAIL"
    )
    assert event_line(ev("text", delta="hi")) is None and event_line(ev("usage")) is None


def test_views_of_the_check_records():
    from chipsmith.agents.session_views import last_simulation, ppa_figures

    tb = CheckRecord(id="c1", turn=1, kind="testbench", subject="rtl/x.v", subject_sha="s", passed=False, summary="",
                     details={"testbench": "tb/x_tb.sv", "tb_top": "tb", "vcd": "sim/x.vcd", "first_mismatch_time": 95000,
                              "differing": [{"signal": "q", "got": "1", "expected": "0"}], "message": "mismatch"})  # fmt: skip
    ppa = CheckRecord(id="c2", turn=1, kind="ppa", subject="rtl/x.v", subject_sha="s", passed=True, summary="",
                      details={"area_um2": 10.0, "delay_ps": 200.0, "power_w": 1e-5, "goal": "area<baseline",
                               "baseline": {"area_um2": 20.0}})  # fmt: skip
    sim = last_simulation([tb, ppa])
    assert sim is not None and sim.vcd == "sim/x.vcd" and sim.first_mismatch_time == 95000 and not sim.passed
    assert last_simulation([ppa]) is None
    (fig,) = ppa_figures([tb, ppa])
    assert fig.area_um2 == 10.0 and fig.baseline == {"area_um2": 20.0} and fig.passed


def test_remaining_budget_for_a_sub_agent_with_its_own_model():
    from chipsmith.agents.orchestrator_delegate import remaining_budget
    from chipsmith.llm import Budget

    tracker = SimpleNamespace(budget=Budget(max_tokens=1000, max_usd=1.0), tokens=400, usd=0.25, elapsed_s=3.0,
                              model_calls=2, tool_calls=1)  # fmt: skip
    assert remaining_budget(tracker) == {"max_tokens": 600, "max_usd": 0.75}
    assert (
        remaining_budget(
            SimpleNamespace(budget=Budget(), tokens=0, usd=0, elapsed_s=0, model_calls=0, tool_calls=0)
        )
        == {}
    )


def test_session_models_round_trip(tmp_path: Path):
    from chipsmith.agents.session_models import Outcome

    out = Outcome(session="s", turn=1, request="r", status="met", met=True, checks=[])
    assert Outcome.model_validate_json(out.model_dump_json()) == out


def test_history_trim_drops_the_oldest_whole_turns_only():
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

    from chipsmith.agents.orchestrator_history import NOTE, history_chars, trim_turns

    call = [{"name": "read_file", "args": {"path": "a.v"}, "id": "r1"}]
    msgs = [SystemMessage("sys"), HumanMessage("turn 1 " * 50), AIMessage("", tool_calls=call),
            ToolMessage("x" * 400, tool_call_id="r1"), AIMessage("done 1"), HumanMessage("turn 2"), AIMessage("done 2"),
            HumanMessage("turn 3")]  # fmt: skip
    assert trim_turns(msgs, 10_000) == msgs
    short = trim_turns(msgs, 200)
    assert (
        short[0].content == "sys"
        and short[1].content == NOTE
        and [m.content for m in short[2:]] == ["turn 2", "done 2", "turn 3"]
    )
    assert trim_turns(msgs, 10) == [msgs[0], HumanMessage(NOTE), msgs[-1]]  # the current turn always stays
    assert history_chars("local", 4096, None) == 7680 and history_chars("openai", 4096, None) == 400_000
    assert history_chars("local", 4096, 1234) == 1234
