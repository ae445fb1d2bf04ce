"""Documents the user added with ``chipsmith kb add`` are searched for every request and cited by source."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers import require_module

pytestmark = pytest.mark.integration

NOTE = """# UART conventions of the Orchid project

## Baud divider

Every UART in the Orchid project derives its bit clock from a divider register named `baud_div`,
reset to 434 for 115200 baud from a 50 MHz clock. Never hard-code the divider.
"""


def test_user_documents_reach_the_model_and_the_report_cites_them(tmp_path, monkeypatch):
    require_module("chromadb")
    require_module("langchain")
    from chipsmith.agents.session import SessionManager
    from chipsmith.config import Settings
    from chipsmith.knowledge.ingest import ingest_paths
    from chipsmith.knowledge.store import open_store

    monkeypatch.chdir(tmp_path)
    settings = Settings(home=tmp_path / "home", llm_cache=False)
    (tmp_path / "orchid_uart.md").write_text(NOTE)
    report = ingest_paths(open_store(settings), [tmp_path / "orchid_uart.md"])
    assert report.added == ["orchid_uart.md"]
    script = tmp_path / "s.yaml"
    script.write_text(yaml.safe_dump({"replies": ["Use baud_div = 434 (orchid_uart.md)."]}))
    events: list[Any] = []
    s = SessionManager(settings=settings).create(model=f"scripted:{script}")
    out = s.run_turn("How should the UART baud divider be set for 115200 baud?", on_event=events.append)
    s.close()
    assert [c.source for c in out.sources] == ["orchid_uart.md"] and "Sources: orchid_uart.md" in out.report
    (found,) = [e for e in events if e.kind == "retrieval"]
    assert found.data["sources"][0]["source"] == "orchid_uart.md"
    human = next(m for m in s.history() if m.role == "human")
    assert "[orchid_uart.md" in human.content and "baud_div" in human.content  # what the model was sent
    assert Path(out.workspace).is_dir() and out.status == "answered"
