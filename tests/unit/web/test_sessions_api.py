"""The session API without a model: listing, creating, transcripts, busy and cancel rules, the stream."""

from __future__ import annotations

import os

import pytest

from chipsmith.agents.session_models import Outcome, SessionEvent
from chipsmith.agents.session_store import append_jsonl
from chipsmith.web.api_sessions import group_turns

pytestmark = pytest.mark.unit


def _event(kind, turn, seq, **data):
    return SessionEvent(kind=kind, session="s", turn=turn, seq=seq, data=data)


def test_turns_are_grouped_with_their_request_and_outcome_and_the_running_one_left_out():
    events = [_event("turn_start", 1, 1, request="first"), _event("tool_start", 1, 2, tool="write_file", call="f1"),
              _event("turn_start", 2, 3, request="killed"), _event("turn_start", 3, 4, request="running")]  # fmt: skip
    outcomes = [Outcome(session="s", turn=1, request="first", status="met", met=True)]
    turns = group_turns(events, outcomes, skip=3)
    assert [(t["turn"], t["request"], len(t["events"])) for t in turns] == [(1, "first", 2), (2, "killed", 1)]
    assert turns[0]["outcome"]["status"] == "met" and turns[1]["outcome"] is None


def test_create_list_and_read_a_session(api, home):
    made = api.post("/api/sessions", json={"title": "uart rx", "model": "scripted:none.yaml"})
    assert made.status_code == 201
    sid = made.json()["id"]
    listed = api.get("/api/sessions").json()
    assert [s["id"] for s in listed] == [sid] and listed[0]["running"] is False
    shown = api.get(f"/api/sessions/{sid[:12]}").json()  # a unique prefix works, as in the terminal
    assert shown["info"]["title"] == "uart rx" and shown["usage"]["model_calls"] == 0
    page = api.get(f"/s/{sid}")
    assert page.status_code == 200 and "uart rx" in page.text


def test_a_bad_model_spec_is_one_line(api):
    r = api.post("/api/sessions", json={"model": "nonsense-provider:xyz"})
    assert r.status_code == 400 and "\n" not in r.json()["detail"]


def test_the_transcript_replays_recorded_turns(api, session):
    append_jsonl(session.paths.events, _event("turn_start", 1, 1, request="an adder"))
    append_jsonl(
        session.paths.events,
        _event("tool_end", 1, 2, tool="verify_design", status="fail", verdict="FAIL", call="o1"),
    )
    append_jsonl(
        session.paths.turns,
        Outcome(session=session.id, turn=1, request="an adder", status="not_met", met=False),
    )
    session.save_info(turns=1)
    t = api.get(f"/api/sessions/{session.id}/transcript").json()
    assert t["running"] is False and len(t["turns"]) == 1
    assert [e["kind"] for e in t["turns"][0]["events"]] == ["turn_start", "tool_end"]
    assert t["turns"][0]["outcome"]["status"] == "not_met"


def test_a_turn_running_elsewhere_makes_the_session_busy(api, session):
    session.save_info(status="running", pid=os.getpid(), turns=1)  # this process holds it: alive
    r = api.post(f"/api/sessions/{session.id}/messages", json={"text": "more"})
    assert r.status_code == 409 and "another process" in r.json()["detail"]
    c = api.post(f"/api/sessions/{session.id}/cancel", json={})
    assert c.status_code == 409 and "Ctrl-C" in c.json()["detail"]
    assert api.get(f"/api/sessions/{session.id}/transcript").json()["running"] is True


def test_cancel_with_nothing_running_says_so(api, session):
    assert api.post(f"/api/sessions/{session.id}/cancel", json={}).json() == {"cancelled": False}


def test_the_live_stream_of_an_idle_session_ends_at_once(api, session):
    with api.stream("GET", f"/api/sessions/{session.id}/live") as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        body = "".join(r.iter_text())
    assert "event: end" in body and "event: session" not in body


def test_a_message_must_have_text(api, session):
    r = api.post(f"/api/sessions/{session.id}/messages", json={"text": ""})
    assert r.status_code == 422 and "text" in r.json()["detail"]
