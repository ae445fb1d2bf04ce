"""doctor reports found tools with versions and missing ones with what they disable."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from chipsmith.cli import app
from chipsmith.doctor import check_binary, check_module

pytestmark = pytest.mark.unit


def test_missing_binary_says_what_it_disables():
    status = check_binary("nope", ["definitely-not-a-binary-xyz"], "everything nope does")
    assert not status.found
    assert status.disables == "everything nope does"
    assert "not on PATH" in status.detail


def test_present_binary_has_a_version():
    status = check_binary("python", ["python3", "--version"], "")
    assert status.found and status.version and status.version.startswith("Python 3")


def test_missing_module():
    status = check_module("no_such_module_chipsmith", "x")
    assert not status.found and "not installed" in status.detail


def test_doctor_json_lists_every_tool():
    result = CliRunner().invoke(app, ["doctor", "--json"])
    assert result.exit_code == 0
    names = {row["name"] for row in json.loads(result.output)}
    expected = {
        "iverilog",
        "vvp",
        "verilator",
        "yosys",
        "sta",
        "bwrap",
        "nvcc",
        "docker",
        "torch",
        "triton",
        "gpu",
    }
    assert expected <= names
