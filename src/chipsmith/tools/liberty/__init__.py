"""Liberty libraries for synthesis: the bundled generic library and helpers to load, repair and merge.

yosys 0.23's ABC honours only one ``-liberty``, so several files are merged into one text. Files
may be gzipped (``.lib.gz``); they are decompressed here in Python so the sandbox needs no gzip.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

BUNDLED_NAME = "chipsmith_generic45.lib"

_TEMPLATE_RE = re.compile(r"^[ \t]*(?:lu_table_template|power_lut_template)\s*\(\s*([\w.]+)\s*\)\s*\{", re.M)
_TABLE_GROUPS = (
    "cell_rise|cell_fall|rise_transition|fall_transition|rise_power|fall_power|"
    "rise_constraint|fall_constraint"
)
_TABLE_USE_RE = re.compile(rf"\b(?:{_TABLE_GROUPS})\s*\(\s*([\w.]+)\s*\)\s*\{{")
_FIRST_CELL_RE = re.compile(r"^[ \t]*cell\s*\(", re.M)
_BRACE_RE = re.compile(r"[{}]")
_CELL_NAME_RE = re.compile(r"^[ \t]*cell\s*\(\s*\"?([\w.\-]+)\"?\s*\)", re.M)


class LibertyError(ValueError):
    """A liberty file that is missing, unreadable or not a liberty library (one-line message)."""


def bundled_liberty() -> Path:
    """Path of chipsmith's own generic 45 nm-class library, shipped inside the package."""
    return Path(__file__).with_name(BUNDLED_NAME)


def read_liberty(path: Path) -> str:
    """The text of a liberty file, gunzipped when it ends in ``.gz``; LibertyError if unusable."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LibertyError(f"liberty file not found: {path}") from None
    except OSError as exc:
        raise LibertyError(f"cannot read liberty file {path}: {exc.strerror}") from None
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise LibertyError(f"corrupt gzip liberty file {path}: {exc}") from None
    text = raw.decode("utf-8", errors="replace")
    if not re.search(r"^\s*library\s*\(", text, re.M) or not _FIRST_CELL_RE.search(text):
        raise LibertyError(f"{path} is not a liberty library (no `library (...)` with cells)")
    return text


def cell_names(text: str) -> list[str]:
    """Pure: names of the cells a liberty text defines, in order."""
    return _CELL_NAME_RE.findall(text)


def repair_templates(text: str) -> str:
    """Pure: define table templates that cells use but the library header lacks.

    Some merged libraries (the public ASAP7 merged typical corner among them) use templates such as
    ``delay_template_7x7`` while the header defines only ``delay_template_7x7_x1``; OpenSTA then
    drops those tables and finds no paths through the flip-flops. A missing name is defined as a
    copy of the defined template whose name extends it; names with no such match are left alone.
    """
    defined = {m.group(1): m.start() for m in _TEMPLATE_RE.finditer(text)}
    missing = sorted(set(_TABLE_USE_RE.findall(text)) - set(defined) - {"scalar"})
    extra = []
    for name in missing:
        base = next((d for d in sorted(defined) if d.startswith(name + "_")), None)
        if base is not None:
            group = _group_at(text, defined[base])
            extra.append(group.replace(f"({base})", f"({name})", 1).replace(f"( {base} )", f"({name})", 1))
    if not extra:
        return text
    at = _FIRST_CELL_RE.search(text)
    pos = at.start() if at else len(text)
    return text[:pos] + "\n".join(extra) + "\n" + text[pos:]


def _group_at(text: str, start: int) -> str:
    """Pure: the brace-balanced group that starts at ``start``."""
    depth = 0
    for m in _BRACE_RE.finditer(text, text.index("{", start)):
        depth += 1 if m.group() == "{" else -1
        if depth == 0:
            return text[start : m.end()]
    return text[start:]


def merge_liberties(texts: list[str]) -> str:
    """Pure: one library made of the first file's header and every file's cells.

    Units and operating conditions come from the first file: merge only libraries of one corner.
    Templates defined only in a later file's header are carried over; a cell name seen twice keeps
    its first definition.
    """
    if len(texts) == 1:
        return repair_templates(texts[0])
    first = texts[0]
    head_end = _FIRST_CELL_RE.search(first)
    header = first[: head_end.start() if head_end else len(first)]
    defined = set(_TEMPLATE_RE.findall(header))
    seen: set[str] = set()
    templates, cells = [], []
    for text in texts:
        start = _FIRST_CELL_RE.search(text)
        if start is None:
            continue
        for m in _TEMPLATE_RE.finditer(text[: start.start()]):
            if m.group(1) not in defined:
                defined.add(m.group(1))
                templates.append(_group_at(text, m.start()))
        for m in _FIRST_CELL_RE.finditer(text):
            group = _group_at(text, m.start())
            name = _CELL_NAME_RE.match(group)
            key = name.group(1) if name else group[:80]
            if key not in seen:
                seen.add(key)
                cells.append(group)
    merged = header + "\n".join(templates) + "\n" + "\n".join(cells) + "\n}\n"
    return repair_templates(merged)


def load_liberties(paths: list[Path] | None) -> tuple[str, list[str]]:
    """The merged, repaired library text for ``paths`` (default: the bundled one) and their names."""
    chosen = list(paths) if paths else [bundled_liberty()]
    texts = [read_liberty(Path(p)) for p in chosen]
    return merge_liberties(texts), [str(p) for p in chosen]
