"""Process bookkeeping for the local model server: identities, leases, a lock. Linux /proc aware."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from chipsmith.llm.errors import LocalModelError

LOCK_TIMEOUT_S = 180.0


def proc_id(pid: int) -> str | None:
    """A token that identifies a running process (its start time), or None if it is gone or a zombie.

    A pid alone can be reused by an unrelated process after a crash; the start time cannot.
    """
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        pass  # exists, owned by someone else
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return "?"  # no /proc (not Linux): the pid check above is all we have
    return None if fields[0] in ("Z", "X") else fields[19]


def is_alive(pid: int, ident: str | None) -> bool:
    now = proc_id(pid)
    return now is not None and (ident in (None, "?") or now in ("?", ident))


def leases_dir(state: Path) -> Path:
    return state / "leases"


def write_lease(state: Path, pid: int | None = None) -> None:
    pid = pid or os.getpid()
    leases_dir(state).mkdir(parents=True, exist_ok=True)
    (leases_dir(state) / str(pid)).write_text(proc_id(pid) or "?")


def remove_lease(state: Path, pid: int | None = None) -> None:
    (leases_dir(state) / str(pid or os.getpid())).unlink(missing_ok=True)


def live_leases(state: Path) -> list[int]:
    """Pids holding a lease that are still running; stale lease files are removed."""
    alive = []
    for f in sorted(leases_dir(state).glob("*")) if leases_dir(state).is_dir() else []:
        try:
            pid, ident = int(f.name), f.read_text().strip() or None
        except (ValueError, OSError):
            f.unlink(missing_ok=True)
            continue
        if is_alive(pid, ident):
            alive.append(pid)
        else:
            f.unlink(missing_ok=True)
    return alive


@contextlib.contextmanager
def state_lock(state: Path) -> Iterator[None]:
    """The per-model file lock every start, stop and lease change takes."""
    from filelock import FileLock, Timeout

    state.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(state / "lock"))
    try:
        lock.acquire(timeout=LOCK_TIMEOUT_S)
    except Timeout:
        raise LocalModelError(
            f"another chipsmith process has held {state / 'lock'} for {LOCK_TIMEOUT_S:.0f} s; "
            "try again, or `chipsmith llm stop`"
        ) from None
    try:
        yield
    finally:
        lock.release()
