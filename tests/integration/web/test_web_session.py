"""The web app's session API over real turns (only the model is scripted): the same sessions as the
terminal, the live stream of a turn started here and of one running elsewhere, the schematic."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from integration.web.conftest import FIX, REQUEST, failing_turn, fixing_turn

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def app_client(home: Path) -> Any:
    from fastapi.testclient import TestClient

    from chipsmith.config import Settings
    from chipsmith.web.app import create_app
    from chipsmith.web.config import WebConfig

    return TestClient(create_app(WebConfig(home=home), Settings(home=home, llm_cache=False)),
                      base_url="http://127.0.0.1:8765")  # fmt: skip


def terminal(home: Path) -> Any:
    """What ``chipsmith chat`` uses: the session API in this process."""
    from chipsmith.agents.session import SessionManager
    from chipsmith.config import Settings

    return SessionManager(settings=Settings(home=home, llm_cache=False))


def stream(api: Any, sid: str) -> list[dict[str, Any]]:
    """Every event of the live stream until its ``end``."""
    events, kind = [], None
    with api.stream("GET", f"/api/sessions/{sid}/live") as r:
        for line in r.iter_lines():
            if line.startswith("event: "):
                kind = line[7:]
            elif line.startswith("data: ") and kind == "session":
                events.append(json.loads(line[6:]))
            elif line.startswith("data: ") and kind == "end":
                break
    return events


def test_a_terminal_session_continues_in_the_browser_and_back(tmp_path):
    home = tmp_path / "home"
    s = terminal(home).create(model=failing_turn(tmp_path / "a.yaml"))
    first = s.run_turn(REQUEST)
    s.close()
    assert first.status == "not_met"
    api = app_client(home)
    t = api.get(f"/api/sessions/{s.id}/transcript").json()
    assert [turn["outcome"]["status"] for turn in t["turns"]] == ["not_met"]
    sent = api.post(
        f"/api/sessions/{s.id}/messages", json={"text": FIX, "model": fixing_turn(tmp_path / "b.yaml")}
    )
    assert sent.status_code == 202
    events = stream(api, s.id)
    kinds = [e["kind"] for e in events]
    assert kinds[0] == "turn_start" and kinds[-1] == "outcome" and events[-1]["data"]["status"] == "met"
    starts = [e["data"]["tool"] for e in events if e["kind"] == "tool_start" and e["depth"] == 0]
    ends = {e["data"]["call"]: e["data"] for e in events if e["kind"] == "tool_end"}
    assert starts == ["write_file", "verify_design"] and all(d["duration_s"] >= 0 for d in ends.values())
    assert "".join(e["data"]["delta"] for e in events if e["kind"] == "text").endswith(
        "passes tb/counter4_tb.sv."
    )
    assert any(e["kind"] == "usage" for e in events)
    # back in the terminal: the browser's turn is in the history, the budget spent counted
    again = terminal(home).open(s.id)
    assert [o.status for o in again.outcomes()][:2] == ["not_met", "met"]
    humans = [m.content for m in again.history() if m.role == "human"]
    assert any(FIX in h for h in humans) and any(REQUEST in h for h in humans)
    assert again.usage().model_calls >= 7
    versions = api.get(f"/api/s/{s.id}/source", params={"path": "rtl/counter4.v"}).json()["versions"]
    assert len({v["sha"] for v in versions}) == 2
    diff = api.get(f"/api/s/{s.id}/diff", params={"path": "rtl/counter4.v"}).json()
    assert diff["headline"].startswith("rtl/counter4.v: +") and "d9" in diff["html"]  # the removed wrap at 9


def test_a_turn_running_in_another_process_is_followed_live(tmp_path):
    home = tmp_path / "home"
    s = terminal(home).create(model=failing_turn(tmp_path / "a.yaml"))
    api = app_client(home)
    done: dict[str, Any] = {}
    worker = threading.Thread(target=lambda: done.setdefault("o", s.run_turn(REQUEST)))
    worker.start()
    deadline = time.monotonic() + 60
    while s.store.load(s.id).status != "running" and time.monotonic() < deadline:
        time.sleep(0.05)
    shown = api.get(f"/api/sessions/{s.id}/transcript").json()
    assert shown["running"] is True and shown["turns"] == []
    blocked = api.post(f"/api/sessions/{s.id}/messages", json={"text": "in parallel"})
    assert blocked.status_code == 409
    events = stream(api, s.id)
    worker.join(60)
    s.close()
    assert events and events[-1]["kind"] == "outcome" and events[-1]["data"]["status"] == "not_met"
    assert {"tool_start", "tool_end", "check"} <= {e["kind"] for e in events}
    assert not any(e["kind"] == "text" for e in events)  # text chunks are not recorded on disk


def test_the_schematic_of_a_session_design_with_its_critical_path(tmp_path):
    home = tmp_path / "home"
    s = terminal(home).create(model=failing_turn(tmp_path / "a.yaml"))
    s.run_turn(REQUEST)
    s.close()
    api = app_client(home)
    assert api.get(f"/api/s/{s.id}/designs").json()["designs"] == ["rtl/counter4.v"]
    started = time.monotonic()
    r = api.get(f"/api/s/{s.id}/schematic", params={"path": "rtl/counter4.v"})
    assert r.status_code == 200, r.text
    data = r.json()
    cells = data["netlist"]["modules"]["counter4"]["cells"]
    assert data["top"] == "counter4" and data["cell_count"] == len(cells) and data["area_um2"] > 0
    assert data["highlight"]["cells"] and set(data["highlight"]["cells"]) <= set(cells)
    assert data["path"]["arrival_ps"] and data["delay_ps"] and data["highlight"]["bits"]
    again = time.monotonic()
    assert api.get(f"/api/s/{s.id}/schematic", params={"path": "rtl/counter4.v"}).json() == data
    assert time.monotonic() - again < (again - started)  # cached by content
    (s.workspace.root / "rtl" / "broken.v").write_text("module broken(input a output y); endmodule\n")
    bad = api.get(f"/api/s/{s.id}/schematic", params={"path": "rtl/broken.v"})
    assert (
        bad.status_code == 422
        and bad.json()["detail"].startswith("yosys")
        and "\n" not in bad.json()["detail"]
    )
