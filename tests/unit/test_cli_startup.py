"""The CLI stays light: building the app imports no heavy library."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.unit

HEAVY = (
    "torch",
    "triton",
    "chromadb",
    "langchain",
    "langchain_core",
    "ray",
    "docker",
    "sentence_transformers",
)


def test_cli_import_pulls_in_no_heavy_module():
    code = (
        "import sys, json; import chipsmith.cli; "
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_import_chipsmith_creates_nothing(tmp_path):
    subprocess.run([sys.executable, "-c", "import chipsmith, chipsmith.cli"], cwd=tmp_path, check=True)
    assert list(tmp_path.iterdir()) == []


def test_version_flag():
    from typer.testing import CliRunner

    from chipsmith import __version__
    from chipsmith.cli import app

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output
