"""`chipsmith sandbox ...` errors are one line; status works without a daemon."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from chipsmith.cli import app

pytestmark = pytest.mark.unit


def test_unknown_backend_is_one_line_error():
    res = CliRunner().invoke(app, ["sandbox", "run", "--sandbox", "nope", "--", "true"])
    assert res.exit_code == 2 and "unknown sandbox 'nope'" in res.output
    assert "Traceback" not in res.output


def test_run_without_command_is_an_error():
    res = CliRunner().invoke(app, ["sandbox", "run"])
    assert res.exit_code == 2 and "no command given" in res.output


def test_status_json_without_daemon(monkeypatch):
    monkeypatch.setenv("DOCKER_HOST", "unix:///nonexistent/docker.sock")
    res = CliRunner().invoke(app, ["sandbox", "status", "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.output)
    assert report["docker"]["daemon"] is False and "image" in report["docker"]
    assert set(report["local"]) >= {"bwrap", "fork_bomb_contained"}
