"""Tar archives in and out of a container (pure): pack input files, pick wanted files out of a run dir.

Files come back as one tar of the whole run directory, which archives symlinks as links (it never
follows them). Wanted names are resolved against that member table here, on the host: a link that
leads outside the run directory (absolute, or through ``..``) is refused, whatever it points at.
"""

from __future__ import annotations

import io
import posixpath
import tarfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from chipsmith.sandbox.files import UnsafePathError, safe_relpath

OWNER = 65534
MAX_LINK_HOPS = 40


def pack_files(files: dict[str, bytes], top: str) -> bytes:
    """Pure: a tar holding ``files`` under directory ``top``, owned by the sandbox user."""
    buf = io.BytesIO()
    dirs = {top}
    now = time.time()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in files:
            parent = safe_relpath(name).parent
            while str(parent) != ".":
                dirs.add(f"{top}/{parent}")
                parent = parent.parent
        for d in sorted(dirs):  # parents first, so each is created with our owner and mode
            info = tarfile.TarInfo(d)
            info.type, info.mode, info.uid, info.gid = tarfile.DIRTYPE, 0o755, OWNER, OWNER
            info.mtime = now
            tar.addfile(info)
        for name, data in files.items():
            info = tarfile.TarInfo(f"{top}/{safe_relpath(name)}")
            info.size, info.mode, info.uid, info.gid = len(data), 0o644, OWNER, OWNER
            info.mtime = now
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@dataclass
class TreeIndex:
    """The members of a run-dir tar: kinds, link targets, and the contents we kept."""

    kinds: dict[str, str] = field(default_factory=dict)
    """relative path -> "file" | "dir" | "link" | "other"."""
    links: dict[str, str] = field(default_factory=dict)
    contents: dict[str, bytes] = field(default_factory=dict)


def index_tar(chunks: Iterable[bytes], keep: set[str]) -> TreeIndex:
    """Read a run-dir tar (as get_archive streams it); keep contents of regular files named in ``keep``."""
    index = TreeIndex()
    with tarfile.open(fileobj=_ChunkReader(chunks), mode="r|") as tar:
        for member in tar:
            rel = _strip_top(member.name)
            if rel is None:
                continue
            if member.issym():
                index.kinds[rel], index.links[rel] = "link", member.linkname
            elif member.isdir():
                index.kinds[rel] = "dir"
            elif member.isfile():
                index.kinds[rel] = "file"
                if rel in keep and (fh := tar.extractfile(member)) is not None:
                    index.contents[rel] = fh.read()
            else:
                index.kinds[rel] = "other"  # hard links, devices, fifos: never returned
    return index


def first_regular_file(chunks: Iterable[bytes]) -> bytes | None:
    """The content of the first regular file in a tar stream (get_archive of one file)."""
    with tarfile.open(fileobj=_ChunkReader(chunks), mode="r|") as tar:
        for member in tar:
            if member.isfile() and (fh := tar.extractfile(member)) is not None:
                return fh.read()
    return None


def resolve(name: str, index: TreeIndex) -> tuple[str | None, str]:
    """Pure: the real relative path ``name`` leads to inside the run dir, or (None, why it is refused)."""
    try:
        parts = list(safe_relpath(name).parts)
    except UnsafePathError as exc:
        return None, str(exc)
    done: list[str] = []
    hops = 0
    while parts:
        done.append(parts.pop(0))
        cur = "/".join(done)
        if index.kinds.get(cur) != "link":
            continue
        hops += 1
        target = index.links[cur]
        if hops > MAX_LINK_HOPS or target.startswith("/"):
            return None, "symlink pointing outside the work dir"
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(cur), target))
        if joined == ".." or joined.startswith("../"):
            return None, "symlink pointing outside the work dir"
        # Re-walk from the top: the target may itself pass through links.
        parts = ([] if joined == "." else joined.split("/")) + parts
        done = []
    real = "/".join(done)
    kind = index.kinds.get(real)
    if kind != "file":
        return None, "missing" if kind is None else f"not a regular file ({kind})"
    return real, ""


def _strip_top(name: str) -> str | None:
    """``run/a/b`` -> ``a/b``; the top directory itself -> None."""
    _top, _, rel = name.lstrip("./").partition("/")
    return rel.rstrip("/") or None


class _ChunkReader(io.RawIOBase):
    """A file object over an iterator of byte chunks (tarfile's stream mode reads from it)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._it = iter(chunks)
        self._buf = b""

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:  # type: ignore[no-untyped-def]
        while not self._buf:
            try:
                self._buf = next(self._it)
            except StopIteration:
                return 0
        n = min(len(b), len(self._buf))
        b[:n] = self._buf[:n]
        self._buf = self._buf[n:]
        return n
