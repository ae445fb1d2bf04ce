"""The bubblewrap command line of the local sandbox (pure).

Bind sources may differ from their destinations: run as root, bubblewrap starts as the sandbox uid,
which cannot walk to ``/root/.pyenv/...``, so the parent stages those paths first (``_stage``) and
bubblewrap binds the staged copy back at the original place.
"""

from __future__ import annotations

import functools
import glob
import shutil
from dataclasses import dataclass, field

from chipsmith.sandbox._ns import PROC_READ_ONLY
from chipsmith.sandbox._view import View

WORKER_CAPS = ("CAP_SYS_ADMIN", "CAP_SETPCAP")
"""A persistent worker keeps these inside its own user namespace only, to give each run fresh
mount, pid and IPC namespaces; every run drops all capabilities before its command starts."""


@dataclass(frozen=True)
class Mounts:
    """What one bubblewrap instance mounts. Sources are host paths bubblewrap can reach."""

    view: View
    sources: dict[str, str] = field(default_factory=dict)
    """Where to bind each path from (a staged copy); a path missing here is its own source."""
    tmp: str | None = None
    """Bound read-write on /tmp (the run's scratch dir); None: an empty read-only tmpfs."""
    binds: tuple[str, ...] = ()
    """Paths bound read-write at the same place, after everything else (the work dir)."""
    chdir: str | None = None
    devices: tuple[str, ...] = ()
    """Device nodes bound in (``--dev /dev`` hides the host's): the GPU's."""
    extra: tuple[str, ...] = field(default=())
    """Arguments appended before the namespace options (tests, plugins)."""


def _mount_args(m: Mounts, persistent: bool) -> list[str]:
    args = ["--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
    # A worker mounts a fresh /proc for each run (and makes these read-only there): the kernel
    # refuses that mount while a /proc with locked mounts on top is all the worker can see.
    for path in () if persistent else PROC_READ_ONLY:
        args += ["--ro-bind-try", path, path]
    # A uid may connect to any Unix socket it can see; /run holds docker.sock and its kind.
    args += ["--tmpfs", "/run"]
    for path in m.view.hide:
        args += ["--tmpfs", path]
    for path in m.view.mask:
        args += ["--ro-bind", "/dev/null", path]
    src = m.sources.get
    args += ["--bind", src(m.tmp, m.tmp), "/tmp"] if m.tmp is not None else ["--tmpfs", "/tmp"]
    for path in m.view.keep:  # after /tmp: a virtualenv under /tmp is bound back over the scratch
        args += ["--ro-bind", src(path, path), path]
    for path in m.binds:
        args += ["--bind", src(path, path), path]
    for dev in m.devices:
        args += ["--dev-bind", dev, dev]
    # Read-only once their mount points exist: a run must not leave files for the next one there.
    ro = ["/run", *m.view.hide] + (["/tmp"] if m.tmp is None else []) + (["/dev"] if persistent else [])
    for path in ro:
        args += ["--remount-ro", path]
    return args + (["--chdir", m.chdir] if m.chdir else [])


def bwrap_command(m: Mounts, *, network: bool, persistent: bool = False) -> list[str]:
    """Pure: ``bwrap ... --``; append the command. ``persistent``: a worker that forks runs."""
    args = ["bwrap", *_mount_args(m, persistent), *m.extra]
    # Own user namespace (so dropped capabilities are gone for good and no nested namespace can
    # hand them back), pid namespace, and no network unless asked for.
    args += ["--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    args += ["--disable-userns", "--new-session"]
    if persistent:
        # The worker ends when its parent's socket closes: --die-with-parent follows the starting
        # *thread*, which may be a short-lived one.
        for cap in WORKER_CAPS:
            args += ["--cap-add", cap]
    else:
        args += ["--cap-drop", "ALL", "--die-with-parent"]
    if not network:
        args.append("--unshare-net")
    return args + ["--"]


@functools.cache
def host_gpu_devices() -> tuple[str, ...]:
    """The NVIDIA device nodes of this host (none on a machine without a GPU); once per process."""
    return tuple(sorted(glob.glob("/dev/nvidia*")))


@functools.lru_cache(maxsize=4)
def bwrap_path(path_env: str | None) -> str | None:
    """bubblewrap on ``path_env`` (the PATH), once per PATH."""
    return shutil.which("bwrap", path=path_env)
