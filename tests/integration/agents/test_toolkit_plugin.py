"""A third-party plugin (tests/plugin_pkg) adds a tool and a prompt through the entry point.

The plugin is really installed (pip, no network, into a temporary target directory that is put on
the path), so discovery goes through its installed metadata, as for any user's plugin.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import require_module

pytestmark = pytest.mark.integration

PLUGIN_SRC = Path(__file__).resolve().parents[2] / "plugin_pkg"


@pytest.fixture(scope="module")
def plugin_dir(tmp_path_factory):
    work = tmp_path_factory.mktemp("plugin")
    src = work / "src"
    shutil.copytree(PLUGIN_SRC, src)  # building in place would leave build files in the repository
    target = work / "site"
    cmd = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index"]
    res = subprocess.run(
        [*cmd, "--target", str(target), str(src)], capture_output=True, text=True, timeout=300
    )
    assert res.returncode == 0, res.stderr[-2000:]
    assert list(target.glob("chipsmith_plugin_demo-*.dist-info"))
    return target


def _cli(plugin_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(plugin_dir)}
    return subprocess.run(
        [sys.executable, "-m", "chipsmith.cli", *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_tools_list_shows_the_plugin_tool_with_its_schema(plugin_dir):
    require_module("langchain_core")
    res = _cli(plugin_dir, "tools", "list", "--json")
    assert res.returncode == 0, res.stderr
    tools = {t["name"]: t for t in json.loads(res.stdout)}
    tool = tools["module_summary"]
    assert tool["offered"] and tool["description"].startswith("List the Verilog modules")
    props = tool["parameters"]["properties"]
    assert (
        props["sources"]["type"] == "array"
        and props["sources"]["description"] == "The Verilog files to scan."
    )
    assert props["include_empty"] == {
        "default": False,
        "description": "Also list files that define no module.",
        "type": "boolean",
    }
    assert {"lint", "simulate", "read_file"} <= set(tools)


def test_prompts_list_and_show_name_the_plugin(plugin_dir):
    res = _cli(plugin_dir, "prompts", "list", "--json")
    assert res.returncode == 0, res.stderr
    prompts = {p["name"]: p for p in json.loads(res.stdout)}
    assert prompts["review_checklist"]["origin"] == "plugin:demo"
    assert prompts["rtl_design"]["origin"] == "package"
    shown = _cli(plugin_dir, "prompts", "show", "review_checklist")
    assert shown.stdout.startswith("{# review_checklist: plugin:demo (")
    assert "variables: checks, module #}" in shown.stdout.splitlines()[0]


def test_toolkit_offers_and_runs_the_plugin_tool(plugin_dir, tmp_path, monkeypatch):
    require_module("langchain_core")
    from chipsmith import prompts, registry
    from chipsmith.agents.tooling.toolkit import Toolkit
    from chipsmith.agents.workspace import Workspace

    monkeypatch.syspath_prepend(str(plugin_dir))
    monkeypatch.setattr(registry, "_plugins_loaded", False)
    monkeypatch.setattr(registry.TOOLS, "_entries", dict(registry.TOOLS._entries))
    monkeypatch.setattr(prompts, "_PLUGIN_DIRS", [])

    ws = Workspace(tmp_path / "ws")
    ws.write("rtl/a.v", "module a; endmodule\nmodule b; endmodule\n")
    ws.write("notes.txt", "no modules here\n")
    tk = Toolkit(ws, error_knowledge=None)
    assert "module_summary" in tk.names
    tool = {t.name: t for t in tk.langchain_tools()}["module_summary"]
    call = {
        "type": "tool_call",
        "name": "module_summary",
        "args": {"sources": ["rtl/a.v", "notes.txt"]},
        "id": "p1",
    }
    msg = tool.invoke(call)
    assert msg.status == "success"
    assert json.loads(msg.content) == {"files": {"rtl/a.v": ["a", "b"]}, "lines": 3}
    bad = tool.invoke({**call, "args": {"sources": ["../x.v"]}})
    assert bad.status == "error" and "'..'" in bad.content
    text = prompts.render("review_checklist", project_dir=tmp_path, module="a", checks=["reset", "widths"])
    assert text.startswith("Review the Verilog module `a`") and "- widths" in text
