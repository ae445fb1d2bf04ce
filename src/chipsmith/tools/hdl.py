"""Helpers for Verilog/SystemVerilog sources: module names, the top module, input checks.

Nothing here runs a tool; all but ``read_paths`` (which reads files) are pure. The scanners work
on source text with comments and string literals blanked out (keeping line breaks), which is
enough to find ``module`` declarations and instantiations without a full parser.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

MAX_SOURCE_BYTES = 4 * 2**20
"""Largest single source or data file a tool accepts; bigger ones are refused before anything runs."""

MAX_TOTAL_BYTES = 16 * 2**20
"""Largest total of all files handed to one tool run."""

_IDENT = r"[A-Za-z_][A-Za-z0-9_$]*"
_TOKENS = re.compile(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"', re.S)
_MODULE_DECL = re.compile(rf"\b(?:macro)?module\s+(?:(?:automatic|static)\s+)?({_IDENT})")
# An instantiation starts with the module name followed by a parameter list (#) or an instance name.
_INSTANCE_HEAD = r"\b{name}\s*(?:#|{ident}\s*[\[(])"
_KEYWORDS = {"module", "macromodule", "endmodule", "primitive", "interface", "program", "package"}


def strip_comments_and_strings(src: str) -> str:
    """Pure: ``src`` with comments and string literals replaced by spaces (line breaks kept)."""

    def blank(m: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", m.group(0))

    return _TOKENS.sub(blank, src)


def find_modules(src: str) -> list[str]:
    """Pure: names of the modules defined in ``src``, in order, ignoring comments and strings."""
    names = _MODULE_DECL.findall(strip_comments_and_strings(src))
    return [n for n in names if n not in _KEYWORDS]


def _without_declarations(text: str) -> str:
    """Drop ``module NAME`` headers and ``endmodule : NAME`` labels so only uses of names remain."""
    text = _MODULE_DECL.sub(" ", text)
    return re.sub(rf"\bendmodule\s*:\s*{_IDENT}", " ", text)


def instantiated(sources: Iterable[str], names: Iterable[str]) -> set[str]:
    """Pure: which of ``names`` are instantiated somewhere in ``sources``."""
    bodies = [_without_declarations(strip_comments_and_strings(s)) for s in sources]
    found = set()
    for name in names:
        pat = re.compile(_INSTANCE_HEAD.format(name=re.escape(name), ident=_IDENT))
        if any(pat.search(body) for body in bodies):
            found.add(name)
    return found


def top_candidates(sources: Mapping[str, str]) -> list[str]:
    """Pure: modules defined in ``sources`` and never instantiated there, in definition order."""
    defined: list[str] = []
    for src in sources.values():
        defined += [m for m in find_modules(src) if m not in defined]
    used = instantiated(sources.values(), defined)
    return [m for m in defined if m not in used]


def guess_top(sources: Mapping[str, str]) -> str | None:
    """Pure: the one module defined but never instantiated; ``None`` if there is none or several."""
    candidates = top_candidates(sources)
    return candidates[0] if len(candidates) == 1 else None


def decode_sources(sources: Mapping[str, bytes]) -> dict[str, str]:
    """Pure: source bytes as text (undecodable bytes replaced) for the scanners above."""
    return {name: data.decode("utf-8", errors="replace") for name, data in sources.items()}


def check_files(files: Mapping[str, bytes], *, text: bool = True) -> str | None:
    """Pure: one line saying why ``files`` must not be run (empty set, too big, binary), or None.

    ``text`` also refuses files with NUL bytes, which no Verilog source contains.
    """
    if not files:
        return "no source files given"
    total = 0
    for name, data in files.items():
        total += len(data)
        if len(data) > MAX_SOURCE_BYTES:
            return f"{name} is {_mb(len(data))}, over the {_mb(MAX_SOURCE_BYTES)} limit per file; refusing to run"
        if text and b"\x00" in data:
            return f"{name} is not a text file (it contains NUL bytes); pass Verilog/SystemVerilog sources"
    if total > MAX_TOTAL_BYTES:
        return f"the files total {_mb(total)}, over the {_mb(MAX_TOTAL_BYTES)} limit; refusing to run"
    return None


def read_paths(paths: Iterable[Path]) -> dict[str, bytes]:
    """Read files into a sandbox file map keyed by base name.

    Raises ``ValueError`` with one clear line for a missing, unreadable or oversized file, or for
    two files with the same base name (they would overwrite each other in the work dir).
    """
    files: dict[str, bytes] = {}
    for path in paths:
        if not path.is_file():
            raise ValueError(f"{path}: no such file")
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise ValueError(f"{path} is {_mb(size)}, over the {_mb(MAX_SOURCE_BYTES)} limit per file")
        if path.name in files:
            raise ValueError(f"two files are named {path.name!r}; rename one")
        try:
            files[path.name] = path.read_bytes()
        except OSError as exc:
            raise ValueError(f"{path}: cannot read ({exc.strerror})") from None
    return files


def _mb(n: int) -> str:
    return f"{n / 2**20:.1f} MB"
