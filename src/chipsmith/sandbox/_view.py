"""What the local sandbox shows of the host: hidden directories, masked files, paths bound back.

The host's root is bound read-only, then:

* hidden (an empty read-only tmpfs): home directories, places that hold secrets or other users'
  data (``HIDDEN_DIRS``), ``/opt`` except the tools in it, and the temp dir holding other runs;
* masked (``/dev/null`` bound over them): the shadow files and sudoers (``MASKED_FILES``);
* bound back read-only: what a run needs from a hidden place: the interpreter, its prefixes (the
  virtualenv), every directory on ``sys.path`` (the package source among them), and each
  ``/opt/<name>`` holding a directory on ``PATH``. A checkout or virtualenv under ``/tmp`` (which
  the run's scratch dir replaces) is bound back the same way.

The command runs as an unprivileged uid. A directory that uid may not enter (``/root`` is mode
700) would make everything below it unreachable, so the topmost such directory on the way to a
needed path is hidden as well and the needed path bound back through it.

``plan_view`` is pure; ``host_view`` gathers this host's facts for it.
"""

from __future__ import annotations

import functools
import os
import site
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

HIDDEN_DIRS = (
    "/root",
    "/home",
    "/var/lib",
    "/var/log",
    "/var/mail",
    "/var/spool",
    "/var/backups",
    "/srv",
    "/mnt",
    "/media",
    "/etc/ssh",
    "/etc/ssl/private",
    "/opt",
)
"""Hidden whatever the host: credentials, host keys, databases, logs, other users' files."""

MASKED_FILES = ("/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-", "/etc/sudoers")
"""Root-only files under /etc, which stays visible (passwd, ld.so.cache and the like are needed)."""

TOOL_ROOTS = ("/opt",)
"""Hidden dirs whose entries stay visible when they hold a directory on PATH (tool installs)."""


@dataclass(frozen=True)
class View:
    """Mount plan: ``hide`` (empty tmpfs, parents first), ``mask`` (files), ``keep`` (bound back)."""

    hide: tuple[str, ...]
    mask: tuple[str, ...]
    keep: tuple[str, ...]


def is_under(path: str, root: str) -> bool:
    """Pure: ``path`` is ``root`` or lies below it (both absolute and normalised)."""
    return path == root or root == "/" or path.startswith(root.rstrip("/") + "/")


def outermost(paths: Iterable[str]) -> list[str]:
    """Pure: the paths not below another one of them, sorted."""
    unique = sorted(set(paths))
    return [p for p in unique if not any(q != p and is_under(p, q) for q in unique)]


def closed_ancestor(path: str, can_enter: Callable[[str], bool]) -> str | None:
    """Pure given ``can_enter``: the topmost directory above ``path`` the sandbox uid cannot enter."""
    parts = Path(path).parts
    for i in range(2, len(parts)):
        parent = str(Path(*parts[:i]))
        if not can_enter(parent):
            return parent
    return None


def tool_entries(root: str, wanted: Iterable[str]) -> list[str]:
    """Pure: ``root/<name>`` for each wanted path below ``root`` (``/opt/cuda`` for ``/opt/cuda/bin``)."""
    depth = len(Path(root).parts)
    return sorted({str(Path(*Path(w).parts[: depth + 1])) for w in wanted if is_under(w, root) and w != root})


def plan_view(
    hide: Iterable[str],
    mask: Iterable[str],
    needed: Iterable[str],
    path_dirs: Iterable[str],
    can_enter: Callable[[str], bool],
    replaced: Iterable[str] = ("/tmp",),
) -> View:
    """Pure: hide ``hide`` (and closed dirs on the way to ``needed``), bind back what is needed.

    ``replaced`` are dirs the sandbox covers otherwise (``/tmp`` by the run's scratch dir): what is
    needed below them is bound back too. A needed path that would uncover a hidden or replaced dir
    (``/root`` or ``/tmp`` on ``sys.path``, from a script kept there) is not bound back."""
    needed = sorted(set(needed))
    replaced = list(replaced)
    closed = {c for n in needed if (c := closed_ancestor(n, can_enter)) is not None}
    # Below a replaced dir there is nothing to hide (and a tmpfs there would be covered anyway).
    hidden = [h for h in outermost([*hide, *closed]) if not any(is_under(h, r) for r in replaced)]
    covered = [*hidden, *replaced]
    tools = [e for root in TOOL_ROOTS for e in tool_entries(root, [*path_dirs, *needed])]
    keep = outermost(
        p
        for p in [*needed, *tools]
        if any(p != c and is_under(p, c) for c in covered) and not any(is_under(h, p) for h in hidden)
    )
    masked = sorted(m for m in set(mask) if not any(is_under(m, h) for h in hidden))
    return View(hide=tuple(hidden), mask=tuple(masked), keep=tuple(keep))


def enterable(st: os.stat_result, uid: int, gid: int) -> bool:
    """Pure: may ``uid``/``gid`` (no supplementary groups) search the directory with this stat?"""
    if st.st_uid == uid:
        return bool(st.st_mode & stat.S_IXUSR)
    if st.st_gid == gid:
        return bool(st.st_mode & stat.S_IXGRP)
    return bool(st.st_mode & stat.S_IXOTH)


def needed_paths() -> list[str]:
    """What runs need from this host: the interpreter, its prefixes, and every dir on sys.path."""
    exe = sys.executable
    paths = [sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(exe)]
    paths.append(os.path.dirname(os.path.realpath(exe)))
    paths += [p for p in sys.path if p and os.path.isabs(p)]
    user_site = site.getusersitepackages() if site.ENABLE_USER_SITE else ""
    paths += [user_site] if user_site else []
    return sorted({os.path.normpath(p) for p in paths if os.path.exists(p)})


def host_view(uid: int, gid: int, extra_hide: Iterable[str] = ()) -> View:
    """This host's view for a command run as ``uid``/``gid``; ``extra_hide`` e.g. the temp dir.

    Cached on what it reads (sys.path, PATH, HOME...): a run asks for it every time."""
    key = (tuple(sys.path), os.environ.get("PATH", ""), os.environ.get("HOME", ""), tuple(extra_hide))
    return _host_view(uid, gid, key)


@functools.lru_cache(maxsize=16)
def _host_view(uid: int, gid: int, key: tuple[tuple[str, ...], str, str, tuple[str, ...]]) -> View:
    extra_hide = key[3]
    homes = [str(Path.home())] if Path.home() != Path("/") else []
    hide = [os.path.realpath(d) for d in (*HIDDEN_DIRS, *homes, *extra_hide) if os.path.isdir(d)]
    mask = [f for f in MASKED_FILES if os.path.isfile(f)]
    path_dirs = [os.path.normpath(d) for d in os.environ.get("PATH", "").split(":") if os.path.isabs(d)]

    def can_enter(path: str) -> bool:
        try:
            return enterable(os.stat(path), uid, gid)
        except OSError:
            return True  # a path that does not exist hides nothing

    hide = [h for h in hide if h != "/"]
    return plan_view(hide, mask, needed_paths(), path_dirs, can_enter)


def temp_root() -> str:
    """Where run directories are made; hidden unless it is /tmp (which a run's scratch replaces)."""
    return os.path.realpath(tempfile.gettempdir())
