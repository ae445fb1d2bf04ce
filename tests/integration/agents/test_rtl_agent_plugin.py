"""A scripted agent on the runtime uses a plugin's tool and prompt (tests/plugin_pkg, really installed).

The plugin is installed with pip (no network) into a temporary target put on PYTHONPATH, and the
agent runs in a child process, so discovery goes through the ``chipsmith.plugins`` entry point.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import require_module

pytestmark = pytest.mark.integration

PLUGIN_SRC = Path(__file__).resolve().parents[2] / "plugin_pkg"

CHILD = """
import json, sys
from pathlib import Path
from chipsmith.agents.runtime import AgentDef, AgentRuntime
from chipsmith.agents.tooling.toolkit import Toolkit
from chipsmith.agents.workspace import Workspace
from chipsmith.config import Settings
from chipsmith.llm import open_model

work = Path(sys.argv[1])
handle = open_model(f"scripted:{work / 'script.yaml'}", settings=Settings(home=work / "home"), cache=False)
ws = Workspace(work / "ws")
ws.write("inv.v", "module inv(input a, output y);\\n  assign y = ~a;\\nendmodule\\n")
toolkit = Toolkit(ws, names=["module_summary"], charge=handle.charge_tool_call, error_knowledge=None)
definition = AgentDef(name="review", system_prompt="review_checklist", tools=("module_summary",))
result = AgentRuntime(definition, handle, toolkit).run(
    "Review inv.v.", variables={"module": "inv", "checks": ["ports match the spec"]})
msgs = result.transcript.messages
print(json.dumps({"stop": result.stop_reason, "system": msgs[0].content,
                  "tools": [m.content for m in msgs if m.role == "tool"], "calls": result.usage.tool_calls}))
"""


@pytest.fixture(scope="module")
def plugin_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("plugin")
    shutil.copytree(PLUGIN_SRC, work / "src")
    target = work / "site"
    cmd = [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation", "--no-index"]
    res = subprocess.run(
        [*cmd, "--target", str(target), str(work / "src")], capture_output=True, text=True, timeout=300
    )
    assert res.returncode == 0, res.stderr[-2000:]
    return target


def test_a_scripted_agent_uses_the_plugin_tool_and_prompt(plugin_dir: Path, tmp_path: Path) -> None:
    require_module("langchain")
    replies = [
        {"content": "", "tool_calls": [{"name": "module_summary", "args": {"sources": ["inv.v"]}}]},
        "Looks fine.",
    ]
    (tmp_path / "script.yaml").write_text(yaml.safe_dump({"replies": replies}))
    env = {**os.environ, "PYTHONPATH": str(plugin_dir)}
    res = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path)], capture_output=True, text=True, env=env, timeout=180
    )
    assert res.returncode == 0, res.stderr[-3000:]
    out = json.loads(res.stdout.strip().splitlines()[-1])
    assert out["stop"] == "done" and out["calls"] == 1
    assert out["system"].startswith("Review the Verilog module `inv` against this checklist")
    assert "- ports match the spec" in out["system"]
    (tool_text,) = out["tools"]
    assert "inv.v" in tool_text and "inv" in tool_text and "lines" in tool_text
