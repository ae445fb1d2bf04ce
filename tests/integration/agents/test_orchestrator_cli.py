"""``chipsmith run`` (exit codes, --json) and ``chipsmith sessions list|show|export``, as a user runs them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from helpers import require_module, require_tool

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[3]
REF = (ROOT / "src/chipsmith/benchmarks/suites/chipsmith_rtl/adder8/ref.v").read_text()
BUGGY = (ROOT / "tests/data/verify/adder8_bug.v").read_text()
TB = (ROOT / "tests/data/verify/adder8_tb_strong.sv").read_text()
REQUEST = "Write adder8 (an 8-bit adder with carry in and out) in rtl/adder8.v."


@pytest.fixture(autouse=True)
def _tools() -> None:
    require_tool("iverilog", "yosys")
    require_module("langchain")


def chipsmith(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CHIPSMITH_HOME": str(tmp_path / "home"), "CHIPSMITH_LLM_CACHE": "false"}
    env.pop("CHIPSMITH_MODEL", None)
    env.pop("OPENAI_API_KEY", None)
    cmd = [sys.executable, "-c", "from chipsmith.cli import main; main()", *args]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)


def scripted(tmp_path: Path, design: str, name: str) -> str:
    replies: list[Any] = [
        {"tool_calls": [{"name": "write_file", "args": {"path": "tb/adder8_tb.sv", "content": TB}}]},
        {"tool_calls": [{"name": "write_file", "args": {"path": "rtl/adder8.v", "content": design}}]},
        "Done: rtl/adder8.v passes every check.",
    ]
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump({"replies": replies}))
    return f"scripted:{path}"


def test_run_exits_0_when_met_and_prints_the_outcome_as_json(tmp_path):
    ws = tmp_path / "ws"
    res = chipsmith(
        tmp_path, "run", REQUEST, "--model", scripted(tmp_path, REF, "good"), "--workspace", str(ws), "--json"
    )
    assert res.returncode == 0, res.stderr[-2000:]
    out = json.loads(res.stdout)
    assert out["status"] == "met" and out["met"] is True and out["workspace"] == str(ws.resolve())
    assert [(c["kind"], c["subject"], c["passed"]) for c in out["checks"]] == [
        ("testbench", "rtl/adder8.v", True)
    ]
    assert {f["path"] for f in out["files"]} >= {"rtl/adder8.v", "tb/adder8_tb.sv"}
    assert (ws / "rtl" / "adder8.v").read_text() == REF and "scripted" in out["model"]
    listed = chipsmith(tmp_path, "sessions", "list")
    assert listed.returncode == 0 and out["session"] in listed.stdout and "met" in listed.stdout
    shown = chipsmith(tmp_path, "sessions", "show", out["session"][:15])
    assert shown.returncode == 0 and "[pass] testbench tb/adder8_tb.sv on rtl/adder8.v" in shown.stdout
    exported = chipsmith(tmp_path, "sessions", "export", "last", "--out", str(tmp_path / "s.md"))
    text = (tmp_path / "s.md").read_text()
    assert (
        exported.returncode == 0
        and "## Turn 1 (MET" in text
        and "path=rtl/adder8.v)` -> wrote 3 lines" in text
    )


def test_run_exits_1_when_the_design_fails_its_checks(tmp_path):
    res = chipsmith(tmp_path, "run", REQUEST, "--model", scripted(tmp_path, BUGGY, "bad"))
    assert res.returncode == 1, res.stderr[-2000:]
    assert (
        "Verdict: NOT MET" in res.stdout and "passes every check" in res.stdout
    )  # the claim is shown, and refuted
    assert "-> write_file(" in res.stderr and "check [FAIL] testbench" in res.stderr  # live progress


def test_run_and_sessions_bad_input_is_one_line_exit_2(tmp_path):
    bad = chipsmith(tmp_path, "run", REQUEST, "--model", "nonsense:thing")
    assert bad.returncode == 2 and bad.stderr.strip().count("\n") == 0 and bad.stderr.startswith("error:")
    nokey = chipsmith(tmp_path, "run", REQUEST, "--model", "openai:gpt-4o-mini")  # fails when the model opens
    assert nokey.returncode == 2 and "OPENAI_API_KEY" in nokey.stderr and "Traceback" not in nokey.stderr
    missing = chipsmith(tmp_path, "sessions", "show", "20990101-000000-beef")
    assert missing.returncode == 2 and missing.stderr.startswith("error: no session")
    nothing = chipsmith(tmp_path, "sessions", "export", "last")
    assert nothing.returncode == 2 and "no sessions" in nothing.stderr
