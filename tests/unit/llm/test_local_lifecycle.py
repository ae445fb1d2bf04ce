"""The embedded server's lifecycle rules that need no model: what counts as running, its flags, retries."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import pytest

from chipsmith.config import Settings
from chipsmith.llm import local_server
from chipsmith.llm._procs import proc_id
from chipsmith.llm._supervisor import STATE_FILE
from helpers import require_module

pytestmark = pytest.mark.unit


def _record(state: Path, port: int, pid: int | None = None) -> local_server.ServerState:
    pid = pid or os.getpid()  # a live process that is provably "ours" stands in for the watchdog
    info = local_server.ServerState(
        supervisor_pid=pid, supervisor_id=proc_id(pid), port=port, model="m.gguf", started_at=0.0, log="x"
    )
    state.mkdir(parents=True, exist_ok=True)
    (state / STATE_FILE).write_text(info.model_dump_json())
    return info


def test_a_server_busy_with_another_reply_counts_as_running(tmp_path: Path) -> None:
    # A port that accepts connections but answers no HTTP request: what llama-cpp-python's server is
    # to a /v1/models check while it generates another process's reply (the route waits for the
    # model lock). The old check gave up after 2 s and the newcomer restarted the server.
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        info = _record(tmp_path, busy.getsockname()[1])
        start = time.monotonic()
        assert local_server._running(tmp_path) == info
        assert time.monotonic() - start < 1.0
    assert local_server._running(tmp_path) is None  # nothing listens any more: the server is gone


def test_a_dead_watchdog_means_not_running(tmp_path: Path) -> None:
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        info = _record(tmp_path, listening.getsockname()[1])
        (tmp_path / STATE_FILE).write_text(info.model_copy(update={"supervisor_id": "1"}).model_dump_json())
        assert local_server._running(tmp_path) is None  # same pid, another start time: not ours


def test_server_flags_for_a_shared_server(tmp_path: Path) -> None:
    cmd = local_server.server_command(Path("m.gguf"), 8123, Settings(home=tmp_path, local_threads=2))
    flags = dict(zip(cmd[3::2], cmd[4::2], strict=False))
    # One process's request must not cut another's stream short, and pings must not keep a stalled
    # stream alive past the client's timeout.
    assert flags["--interrupt_requests"] == "false" and flags["--disable_ping_events"] == "true"
    assert flags["--n_threads"] == "2" and flags["--port"] == "8123"


def test_local_calls_get_one_attempt_bounded_by_the_timeout(tmp_path: Path) -> None:
    require_module("langchain_openai")
    from chipsmith.llm.providers import build_inner, reply_params
    from chipsmith.llm.spec import parse_spec

    settings = Settings(home=tmp_path, llm_timeout_s=7.5, llm_max_retries=3)
    for text, retries in (("local", 0), ("openai-compatible:m@http://127.0.0.1:9/v1", 3)):
        spec = parse_spec(text)
        params = reply_params(spec, settings, None, None, None, Path("m.gguf"))
        inner = build_inner(spec, settings, params, streaming=False, base_url="http://127.0.0.1:9/v1")
        assert (inner.max_retries, inner.request_timeout) == (retries, 7.5), text  # type: ignore[attr-defined]
