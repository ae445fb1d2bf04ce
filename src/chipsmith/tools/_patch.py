"""Pure helpers for applying a unified diff with GNU patch: which files it touches, and the command.

unidiff parses the diff (so the files it names can be checked against the workspace before
anything runs); GNU patch applies it, with its offset and fuzz handling of slightly stale hunks.
"""

from __future__ import annotations

from typing import NamedTuple

DEV_NULL = "/dev/null"


class PatchError(ValueError):
    """A diff that cannot be used (malformed, empty); one line."""


class PatchPlan(NamedTuple):
    strip: int
    """The ``-p`` level: 1 for git-style ``a/`` ``b/`` prefixes, else 0."""
    paths: list[str]
    """Every file the diff reads, writes, creates or deletes, prefixes stripped, in order."""


def _names(text: str) -> list[tuple[str, str]]:
    from unidiff import PatchSet
    from unidiff.errors import UnidiffParseError

    try:
        patch = PatchSet(text)
    except UnidiffParseError as exc:
        raise PatchError(f"not a valid unified diff: {str(exc).splitlines()[0]}") from None
    if not len(patch):
        raise PatchError("not a unified diff: no '--- a/FILE' / '+++ b/FILE' headers with @@ hunks found")
    return [(f.source_file or DEV_NULL, f.target_file or DEV_NULL) for f in patch]


def plan_patch(text: str) -> PatchPlan:
    """Pure: the strip level and the files of unified diff ``text``; PatchError when unusable."""
    pairs = _names(text)
    sources = [s for s, _ in pairs if s != DEV_NULL]
    targets = [t for _, t in pairs if t != DEV_NULL]
    git_style = all(s.startswith("a/") for s in sources) and all(t.startswith("b/") for t in targets)
    strip = 1 if git_style else 0
    paths: list[str] = []
    for name in sources + targets:
        rel = name.split("/", 1)[1] if strip and "/" in name else name
        if rel not in paths:
            paths.append(rel)
    return PatchPlan(strip, paths)


def patch_cmd(strip: int, *, dry_run: bool) -> list[str]:
    """Pure: GNU patch reading the diff on stdin in the current directory, never asking, no backups."""
    cmd = ["patch", f"-p{strip}", "--batch", "--forward", "--no-backup-if-mismatch"]
    cmd += ["--reject-file=-", "--quoting-style=literal"]
    return cmd + (["--dry-run"] if dry_run else [])
