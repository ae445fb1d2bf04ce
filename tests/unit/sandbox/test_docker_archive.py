"""Tar in/out of containers: packing, and resolving wanted names on a REAL get_archive tar."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest

from chipsmith.sandbox._docker_archive import first_regular_file, index_tar, pack_files, resolve
from chipsmith.sandbox.files import UnsafePathError

pytestmark = pytest.mark.unit
# Recorded from the sandbox image: a run dir with files, a fifo and inside/escaping/looping symlinks.
RECORDED = Path(__file__).parents[2] / "data" / "sandbox" / "docker_run_dir.tar"


def _chunks(data: bytes, size: int = 1000):
    return (data[i : i + size] for i in range(0, len(data), size))


def test_pack_files_nests_under_top_with_parents_and_sandbox_owner():
    data = pack_files({"a/b/c.v": b"x", "d.v": b"yy"}, "run-1")
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        members = {m.name: m for m in tar.getmembers()}
    assert set(members) == {"run-1", "run-1/a", "run-1/a/b", "run-1/a/b/c.v", "run-1/d.v"}
    assert members["run-1/a"].isdir() and members["run-1/d.v"].size == 2
    assert {m.uid for m in members.values()} == {65534}


@pytest.mark.parametrize("bad", ["../x", "/etc/passwd", "a/../../x", ""])
def test_pack_files_refuses_escaping_names(bad):
    with pytest.raises(UnsafePathError):
        pack_files({bad: b"x"}, "run")


def test_recorded_tar_resolves_inside_links_and_refuses_escapes():
    index = index_tar(_chunks(RECORDED.read_bytes()), keep={"in.txt", "sub/deep/out.txt"})
    assert index.contents == {"in.txt": b"input\n", "sub/deep/out.txt": b"out\n"}
    assert resolve("good", index) == ("sub/deep/out.txt", "")
    assert resolve("subl/deep/out.txt", index) == ("sub/deep/out.txt", "")
    for escaping in ("abs", "rel"):
        assert resolve(escaping, index) == (None, "symlink pointing outside the work dir")
    assert resolve("loop1", index)[0] is None
    assert resolve("fifo", index) == (None, "not a regular file (other)")
    assert resolve("sub", index) == (None, "not a regular file (dir)")
    assert resolve("nope", index) == (None, "missing")
    assert resolve("../in.txt", index)[0] is None


def test_link_through_parent_that_stays_inside_is_allowed():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        for name, kind, target in [
            ("r", tarfile.DIRTYPE, ""),
            ("r/a", tarfile.DIRTYPE, ""),
            ("r/a/up", tarfile.SYMTYPE, "../f"),
            ("r/f", tarfile.REGTYPE, ""),
        ]:
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, target
            tar.addfile(info, io.BytesIO(b"") if kind == tarfile.REGTYPE else None)
    index = index_tar([buf.getvalue()], keep=set())
    assert resolve("a/up", index) == ("f", "")


def test_first_regular_file_of_single_file_archive():
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo("out.txt")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"abc"))
    assert first_regular_file(_chunks(buf.getvalue(), 7)) == b"abc"
