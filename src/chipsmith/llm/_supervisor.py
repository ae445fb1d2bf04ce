"""Watchdog of the local model server: ``python -m chipsmith.llm._supervisor STATE_DIR -- CMD...``.

Starts the server (CMD) as its child, then stops it and exits as soon as no live chipsmith
process holds a lease (even one killed with SIGKILL, which never ran its exit handler), when the
server dies, or on SIGTERM. Leases are checked every half second.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from chipsmith.llm._procs import live_leases, state_lock

POLL_S = 0.5
STATE_FILE = "server.json"


def _stop_child(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _no_users(state: Path) -> bool:
    if live_leases(state):
        return False
    with state_lock(state):  # re-check under the lock: a new user may be arriving
        if live_leases(state):
            return False
        (state / STATE_FILE).unlink(missing_ok=True)
        return True


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print("usage: python -m chipsmith.llm._supervisor STATE_DIR -- CMD...", file=sys.stderr)
        return 2
    state, cmd = Path(argv[0]), argv[2:]
    stopping = []
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, lambda *_: stopping.append(True))
    child = subprocess.Popen(cmd, stdin=subprocess.DEVNULL)
    try:
        while not stopping and child.poll() is None and not _no_users(state):
            time.sleep(POLL_S)
    finally:
        _stop_child(child)
        with contextlib.suppress(OSError, ValueError):
            if json.loads((state / STATE_FILE).read_text()).get("supervisor_pid") == os.getpid():
                (state / STATE_FILE).unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
