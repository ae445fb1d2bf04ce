"""The run manifest's tool versions are asked once per binary file, and again when it changes."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from chipsmith import doctor
from chipsmith.benchmarks.runner import tool_versions

pytestmark = pytest.mark.unit


def test_versions_are_remembered_per_binary_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("iverilog", "yosys"):  # verilator and sta are missing here
        (bin_dir / name).write_text("#!/bin/sh\n")
        (bin_dir / name).chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    asked: list[str] = []

    def fake(name: str, cmd: list[str], disables: str) -> doctor.ToolStatus:
        asked.append(name)
        found = (bin_dir / cmd[0]).exists()
        return doctor.ToolStatus(
            name=name, found=found, version=f"{name} 1.0" if found else None, disables=disables
        )

    monkeypatch.setattr(doctor, "check_binary", fake)
    cache = tmp_path / "cache"
    first = tool_versions(cache)
    assert first == {
        "iverilog": "iverilog 1.0",
        "verilator": "missing",
        "yosys": "yosys 1.0",
        "sta": "missing",
    }
    assert tool_versions(cache) == first
    # the second run asked only for the missing tools (a missing tool is not remembered)
    assert asked == ["iverilog", "verilator", "yosys", "sta", "verilator", "sta"]
    os.utime(bin_dir / "yosys", ns=(1, 1))  # a replaced binary is asked again
    assert tool_versions(cache) == first and asked[6:] == ["verilator", "yosys", "sta"]
    assert tool_versions(None) == first and len(asked) == 13  # no cache: every tool asked
