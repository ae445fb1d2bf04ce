"""`chipsmith llm ...`: status without starting anything, ask with a scripted model, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chipsmith.cli import app

pytestmark = pytest.mark.unit


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHIPSMITH_LLM_STATE_DIR", str(tmp_path / "llm-state"))
    monkeypatch.delenv("CHIPSMITH_MODEL", raising=False)
    return tmp_path


def test_status_reports_the_default_and_the_licence(project: Path) -> None:
    result = CliRunner().invoke(app, ["llm", "status", "--json"])
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert (info["model"], info["protocol"], info["real"]) == ("local", "text", True)
    assert info["price_per_mtok"] == {"input": 0.0, "output": 0.0, "cached_input": None}
    assert "Apache-2.0" in info["local"]["licence"] and "solves little" in info["local"]["notice"]
    assert info["local"]["servers"] == [] and info["cache"]["entries"] is None
    assert not (project / ".chipsmith").exists()  # status creates nothing


def test_ask_a_scripted_model_says_it_is_not_real(project: Path) -> None:
    (project / "r.yaml").write_text(
        '- content: "```\\ny = a AND b;\\n```"\n  usage: {input_tokens: 9, output_tokens: 4}\n'
    )
    result = CliRunner().invoke(app, ["llm", "ask", "assign y =", "--model", "scripted:r.yaml"])
    assert result.exit_code == 0, result.output
    assert "y = a AND b;" in result.output
    assert "not a real model" in result.output and "9 in / 4 out tokens" in result.output
    again = CliRunner().invoke(app, ["llm", "ask", "assign y =", "--model", "scripted:r.yaml", "--json"])
    data = json.loads(again.output)
    assert data["usage"]["cached"] is True and data["real"] is False  # the second ask came from the cache
    cleared = CliRunner().invoke(app, ["llm", "clear-cache"])
    assert "deleted 1 cached replies" in cleared.output


@pytest.mark.parametrize(
    ("model", "needle"),
    [("nonsense", "unknown model spec"), ("scripted:missing.yaml", "scripted model file missing.yaml")],
)
def test_bad_models_are_one_line_errors(project: Path, model: str, needle: str) -> None:
    result = CliRunner().invoke(app, ["llm", "ask", "hi", "--model", model])
    assert result.exit_code == 2
    assert needle in result.output and "Traceback" not in result.output
    assert result.output.strip().count("\n") == 0
