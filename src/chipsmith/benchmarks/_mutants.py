"""Pure mutant generators for Verilog: small syntactic faults injected into a reference design.

A token-level scan (``_mutant_tokens``; comments and strings are never touched) finds the places to
mutate; each generator returns (kind, line, description, whole mutated source) tuples, and
``generate_mutants`` turns them into ``Mutant`` objects. Kinds:

- ``op``: operator swaps (``+``/``-``, ``&``/``|``, ``^``, ``<<``/``>>``, ``==``/``!=``, ``<``/``<=``,
  ``&&``/``||``, ``*``); a non-blocking ``<=`` is told apart from the comparison by position.
- ``const``: integer constants off by one (``8'd9`` -> ``8'd10`` / ``8'd8``).
- ``cond``: inverted ``if`` conditions, and single-signal conditions stuck at 0 or 1.
- ``stuck``: bit 0 or the MSB of an assignment's value forced to 0 or 1 (widths read from declarations).
- ``ternary``: the two arms of ``c ? a : b`` swapped.
- ``reset`` / ``enable``: one use of a reset-like signal replaced by 0, of an enable-like signal by 1.
- ``negation``: a ``~`` or ``!`` removed.

Ranges in declarations (``[7:0]``) are left alone: changing them mostly gives stillborn mutants.
"""

from __future__ import annotations

import random
import re
import zlib

from pydantic import BaseModel

from chipsmith.benchmarks._mutant_tokens import (
    Token,
    lhs_start,
    lhs_width,
    matching,
    tokenize,
    widths,
)

RESET_RE = re.compile(r"^(rst|reset|srst|clear|clr)$", re.IGNORECASE)
ENABLE_RE = re.compile(r"^(en|enable|ce|we|load)$|_en$", re.IGNORECASE)
OP_SWAPS: dict[str, tuple[str, ...]] = {
    "+": ("-",),
    "-": ("+",),
    "&": ("|",),
    "|": ("&",),
    "^": ("|", "&"),
    "<<": (">>",),
    ">>": ("<<",),
    ">>>": (">>",),
    "==": ("!=",),
    "!=": ("==",),
    "<": ("<=",),
    "<=": ("<",),
    ">": (">=",),
    ">=": (">",),
    "&&": ("||",),
    "||": ("&&",),
    "*": ("+",),
}


class Mutant(BaseModel):
    """One mutated copy of a design."""

    id: str
    """Stable within a source: ``<kind>-<n>``."""
    kind: str
    line: int
    description: str
    source: str


def _replace(src: str, start: int, end: int, new: str) -> str:
    return src[:start] + new + src[end:]


def op_mutants(src: str, toks: list[Token]) -> list[tuple[str, int, str, str]]:
    """Operator swaps: (kind, line, description, new source)."""
    out = []
    for t in toks:
        if t.kind != "op" or t.in_decl_range or t.assign_op or t.in_decl or t.text not in OP_SWAPS:
            continue
        for new in OP_SWAPS[t.text]:
            out.append(("op", t.line, f"'{t.text}' -> '{new}'", _replace(src, t.start, t.end, new)))
    return out


_BASED_RE = re.compile(r"^(\d*)\s*'([sS]?)([bBoOdDhH])\s*([0-9a-fA-F_]+)$")


def _off_by_one(text: str) -> list[str]:
    """Pure: the constant ``text`` plus and minus one, in a form of the same width; [] if not numeric."""
    if text.replace("_", "").isdigit():
        v = int(text.replace("_", ""))
        return [str(v + 1)] + ([str(v - 1)] if v > 0 else [])
    m = _BASED_RE.match(text)
    if not m:
        return []
    width, signed, base, digits = m.groups()
    v = int(digits.replace("_", ""), {"b": 2, "o": 8, "d": 10, "h": 16}[base.lower()])
    mod = 1 << int(width) if width else 1 << 32
    return [f"{width}'{signed}d{(v + d) % mod}" for d in (1, -1)]


def const_mutants(src: str, toks: list[Token]) -> list[tuple[str, int, str, str]]:
    out = []
    for i, t in enumerate(toks):
        if t.kind != "number" or t.in_decl_range or (t.in_decl and not t.assign_op):
            continue
        if i and toks[i - 1].text == "#":  # delays are not behaviour
            continue
        for new in _off_by_one(t.text):
            out.append(("const", t.line, f"{t.text} -> {new}", _replace(src, t.start, t.end, new)))
    return out


def cond_mutants(src: str, toks: list[Token]) -> list[tuple[str, int, str, str]]:
    """``if (c)`` -> ``if (!(c))``; a single-signal condition also stuck at 0 and at 1."""
    out = []
    for i, t in enumerate(toks[:-1]):
        if t.text != "if" or toks[i + 1].text != "(":
            continue
        close = matching(toks, i + 1)
        if close < 0:
            continue
        a, b = toks[i + 1].end, toks[close].start
        cond = src[a:b].strip()
        out.append(("cond", t.line, f"if ({cond}) inverted", _replace(src, a, b, f"!({cond})")))
        if close == i + 3 and toks[i + 2].kind == "ident":
            for v in ("1'b0", "1'b1"):
                out.append(("cond", t.line, f"if ({cond}) stuck at {v}", _replace(src, a, b, v)))
    return out


def stuck_mutants(src: str, toks: list[Token]) -> list[tuple[str, int, str, str]]:
    """Bit 0 and the MSB of an assigned value forced to 0 and to 1."""
    sizes, out = widths(toks), []
    for i, t in enumerate(toks):
        if not t.assign_op:
            continue
        start = lhs_start(toks, i)
        end = next((j for j in range(i + 1, len(toks)) if toks[j].text == ";"), -1)
        if end < 0 or start >= i:
            continue
        w = lhs_width(toks[start:i], sizes)
        if w is None or end == i + 2 and toks[i + 1].kind == "number":  # constants: see const_mutants
            continue
        a, b = toks[i + 1].start, toks[end - 1].end
        rhs, lhs_text = src[a:b], src[toks[start].start : t.start].strip()
        one = f"{{{{{w - 1}{{1'b0}}}}, 1'b1}}" if w > 1 else "1'b1"
        msb = f"{{1'b1, {{{w - 1}{{1'b0}}}}}}" if w > 1 else None
        variants = [("bit 0 stuck at 1", f"({rhs}) | {one}"), ("bit 0 stuck at 0", f"({rhs}) & ~{one}")]
        if msb:
            variants += [
                (f"bit {w - 1} stuck at 1", f"({rhs}) | {msb}"),
                (f"bit {w - 1} stuck at 0", f"({rhs}) & ~{msb}"),
            ]
        for desc, new in variants:
            out.append(("stuck", t.line, f"{lhs_text}: {desc}", _replace(src, a, b, new)))
    return out


def _ternary_arms(toks: list[Token], q: int) -> tuple[int, int, int, int] | None:
    """Token index ranges (t0, t1, f0, f1) of the true and false arms of the ``?`` at ``q``."""
    depth, nest, colon = 0, 0, -1
    for j in range(q + 1, len(toks)):
        x = toks[j].text
        if x in ("(", "[", "{"):
            depth += 1
        elif x in (")", "]", "}"):
            if depth == 0:
                return (q + 1, colon - 1, colon + 1, j - 1) if colon > 0 else None
            depth -= 1
        elif depth == 0 and x == "?":
            nest += 1
        elif depth == 0 and x == ":":
            if nest == 0 and colon < 0:
                colon = j
            elif nest > 0:
                nest -= 1
        elif depth == 0 and x in (";", ","):
            return (q + 1, colon - 1, colon + 1, j - 1) if colon > 0 else None
    return None


def ternary_mutants(src: str, toks: list[Token]) -> list[tuple[str, int, str, str]]:
    out = []
    for q, t in enumerate(toks):
        if t.text != "?" or t.in_decl_range:
            continue
        arms = _ternary_arms(toks, q)
        if arms is None or arms[0] > arms[1] or arms[2] > arms[3]:
            continue
        t0, t1, f0, f1 = (toks[k] for k in arms)
        yes, no = src[t0.start : t1.end], src[f0.start : f1.end]
        new = src[: t0.start] + no + src[t1.end : f0.start] + yes + src[f1.end :]
        out.append(("ternary", t.line, f"arms of '? {yes[:20]} : {no[:20]}' swapped", new))
    return out


def signal_mutants(src: str, toks: list[Token]) -> list[tuple[str, int, str, str]]:
    """One use of a reset-like signal -> 0 (reset removed); of an enable-like signal -> 1."""
    out = []
    for i, t in enumerate(toks):
        if t.kind != "ident" or t.in_decl or (i and toks[i - 1].text in (".", "posedge", "negedge")):
            continue
        if RESET_RE.match(t.text):
            out.append(("reset", t.line, f"use of {t.text} -> 1'b0", _replace(src, t.start, t.end, "1'b0")))
        elif ENABLE_RE.search(t.text):
            out.append(("enable", t.line, f"use of {t.text} -> 1'b1", _replace(src, t.start, t.end, "1'b1")))
    return out


def negation_mutants(src: str, toks: list[Token]) -> list[tuple[str, int, str, str]]:
    return [
        ("negation", t.line, f"'{t.text}' removed", _replace(src, t.start, t.end, ""))
        for t in toks
        if t.kind == "op" and t.text in ("~", "!") and not t.in_decl_range
    ]


GENERATORS = (
    op_mutants,
    signal_mutants,  # before cond: ``if (rst)`` stuck at 0 is reported as a removed reset
    const_mutants,
    cond_mutants,
    stuck_mutants,
    ternary_mutants,
    negation_mutants,
)


def generate_mutants(src: str) -> list[Mutant]:
    """Pure: every mutant of ``src`` from every generator, duplicates and no-ops removed."""
    toks = tokenize(src)
    seen = {src}
    mutants: list[Mutant] = []
    counts: dict[str, int] = {}
    for gen in GENERATORS:
        for kind, line, desc, new in gen(src, toks):
            if new in seen:
                continue
            seen.add(new)
            counts[kind] = counts.get(kind, 0) + 1
            mutants.append(
                Mutant(id=f"{kind}-{counts[kind]}", kind=kind, line=line, description=desc, source=new)
            )
    return mutants


def sample_mutants(mutants: list[Mutant], limit: int | None, key: str = "") -> list[Mutant]:
    """Pure: at most ``limit`` mutants, taken round-robin over kinds in an order seeded by ``key``.

    Every kind is represented before any kind gets a second pick; the same inputs give the same
    selection on every machine (crc32 seed, no hash randomisation).
    """
    if limit is None or len(mutants) <= limit:
        return list(mutants)
    rng = random.Random(zlib.crc32(key.encode()))
    by_kind: dict[str, list[Mutant]] = {}
    for m in mutants:
        by_kind.setdefault(m.kind, []).append(m)
    for group in by_kind.values():
        rng.shuffle(group)
    kinds = sorted(by_kind)
    picked: list[Mutant] = []
    while len(picked) < limit:
        for k in kinds:
            if by_kind[k] and len(picked) < limit:
                picked.append(by_kind[k].pop())
    order = {m.id: i for i, m in enumerate(mutants)}
    return sorted(picked, key=lambda m: order[m.id])
