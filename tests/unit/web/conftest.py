"""Fixtures of the web app's API tests: an app over a temporary home, sessions made without a model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from helpers import require_module


@pytest.fixture(autouse=True)
def _web() -> None:
    require_module("fastapi")
    require_module("pywellen")


def make_app(home: Path, **config: Any) -> Any:
    from chipsmith.config import Settings
    from chipsmith.web.app import create_app
    from chipsmith.web.config import WebConfig

    return create_app(WebConfig(home=home, **config), Settings(home=home, llm_cache=False))


def client(app: Any, base_url: str = "http://127.0.0.1:8765") -> Any:
    from fastapi.testclient import TestClient

    return TestClient(app, base_url=base_url)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def api(home: Path) -> Any:
    return client(make_app(home))


@pytest.fixture
def session(home: Path) -> Any:
    """A session (no turn run) whose workspace holds a design, a testbench and a waveform."""
    from chipsmith.agents.session import SessionManager
    from chipsmith.config import Settings

    s = SessionManager(settings=Settings(home=home, llm_cache=False)).create(model="scripted:none.yaml")
    ws = s.workspace.root
    (ws / "rtl").mkdir()
    (ws / "rtl" / "inv.v").write_text(
        "module inv(input a, output y);\n  assign y = ~a; // <script>alert(1)</script>\nendmodule\n"
    )
    (ws / "tb").mkdir()
    (ws / "tb" / "inv_tb.sv").write_text("module tb; initial $finish; endmodule\n")
    return s
