"""Staging: make paths the sandbox uid cannot walk to reachable by bubblewrap, in a private mount namespace.

Run as root, the local sandbox drops to uid 65534 *before* starting bubblewrap (so root-owned files
are not the command's own), and bubblewrap then resolves every bind source as that uid: it cannot
reach ``/root/.pyenv/versions/3.11.7`` through ``/root`` (mode 700), and an O_PATH descriptor does
not help (bubblewrap resolves ``/proc/self/fd/N`` back to the path). So the child, still root,
enters a private mount namespace, covers ``STAGE_ROOT`` with an empty tmpfs there and binds each
path on an entry of it; bubblewrap binds the staged entry back at the original place (``/run``
itself is hidden in the sandbox). Nothing of this is visible on the host, and the namespace goes
with the process.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Callable, Sequence

CLONE_NEWNS = 0x00020000
MS_NOSUID, MS_NODEV, MS_BIND, MS_REC, MS_PRIVATE = 2, 4, 4096, 16384, 1 << 18
STAGE_ROOT = "/run"
"""Covered in the child's private namespace only; bind sources must not lie below it."""

_libc = ctypes.CDLL(None, use_errno=True)


def stage_plan(paths: Sequence[str], root: str = STAGE_ROOT) -> dict[str, str]:
    """Pure: path -> its staged place (``<root>/<i>``)."""
    return {path: f"{root}/{i}" for i, path in enumerate(paths)}


def _call(rc: int, what: str) -> None:
    if rc != 0:
        raise OSError(ctypes.get_errno(), what)


def stage_in_child(plan: dict[str, str]) -> Callable[[], None]:
    """The pre-exec step (root, between fork and exec): private mount namespace, staged binds.

    Arguments are prepared in the parent so the child only makes system calls."""
    binds = [(src.encode(), dst, os.path.isdir(src)) for src, dst in plan.items()]
    root = STAGE_ROOT.encode()

    def stage() -> None:
        _call(_libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS) for staging")
        # Private: nothing we mount here may propagate back to the host's mount namespace.
        _call(_libc.mount(None, b"/", None, MS_REC | MS_PRIVATE, None), "mount --make-rprivate /")
        _call(_libc.mount(b"tmpfs", root, b"tmpfs", MS_NOSUID | MS_NODEV, b"mode=0755"), "staging tmpfs")
        for src, dst, is_dir in binds:
            if is_dir:
                os.mkdir(dst, 0o755)
            else:
                os.close(os.open(dst, os.O_CREAT | os.O_WRONLY, 0o644))
            _call(_libc.mount(src, dst.encode(), None, MS_BIND | MS_REC, None), f"staging bind of {dst}")

    return stage


def staged_sources(paths: Sequence[str], needed: bool) -> tuple[dict[str, str], Callable[[], None] | None]:
    """(bind sources for ``Mounts``, the pre-exec step); nothing to do when ``needed`` is False
    (not root: bubblewrap runs as us and reaches whatever we reach)."""
    if not needed:
        return {}, None
    plan = stage_plan(paths)
    return plan, stage_in_child(plan)
