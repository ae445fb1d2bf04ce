"""Pure Verilog scanning for the mutant generators: tokens with the context a mutation needs.

``tokenize`` drops whitespace and comments and marks, per token, whether it sits in a declaration
range (``[7:0]``), whether a ``=``/``<=`` is an assignment rather than a comparison, and whether it
belongs to a declaration. ``widths`` reads declared widths; ``lhs_start`` and ``lhs_width`` find and
size an assignment target. A heuristic scanner, not a parser: good for the common RTL subset.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN_RE = re.compile(
    r"""(?P<ws>\s+)
    |(?P<comment>//[^\n]*|/\*.*?\*/)
    |(?P<string>"(?:\\.|[^"\\])*")
    |(?P<number>\d*\s*'[sS]?[bBoOdDhH]\s*[0-9a-fA-FxXzZ_?]+|'[01xXzZ]|\d[\d_]*(?:\.\d+)?)
    |(?P<ident>[A-Za-z_][A-Za-z0-9_$]*|\$[A-Za-z_][A-Za-z0-9_$]*|`[A-Za-z_][A-Za-z0-9_]*)
    |(?P<op><<<|>>>|===|!==|==|!=|<=|>=|&&|\|\||<<|>>|~&|~\||~\^|\^~|\+:|-:|->|[-+*/%&|^~!<>=?:;,.(){}\[\]#@])
    |(?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)

DECL_WORDS = {
    "input",
    "output",
    "inout",
    "reg",
    "wire",
    "logic",
    "integer",
    "genvar",
    "module",
    "parameter",
    "localparam",
}
STMT_BREAKS = {";", "begin", "end", "else", "endcase", "endgenerate", "generate"}
KEYWORDS = {
    "always", "assign", "begin", "case", "default", "else", "end", "endcase", "endmodule", "for", "if",
    "initial", "localparam", "negedge", "posedge", "or", "signed", "generate", "endgenerate", "genvar",
}  # fmt: skip


@dataclass(frozen=True)
class Token:
    """One lexical token with its span in the source and the context the scan found it in."""

    kind: str
    text: str
    start: int
    end: int
    line: int
    in_decl_range: bool = False
    """Inside ``[...]`` of a declaration statement (a width, never mutated)."""
    assign_op: bool = False
    """A ``<=`` or ``=`` that is an assignment, not a comparison."""
    in_decl: bool = False
    """Part of a declaration statement (ports, regs, wires), outside any initialiser."""


def tokenize(src: str) -> list[Token]:
    """Pure: the significant tokens of ``src`` (no whitespace or comments), with context flags."""
    raw = [m for m in _TOKEN_RE.finditer(src) if m.lastgroup not in ("ws", "comment")]
    out: list[Token] = []
    depth = bracket = 0
    decl = assigned = False
    line, pos = 1, 0
    for m in raw:
        kind, text = m.lastgroup or "other", m.group()
        line, pos = line + src.count("\n", pos, m.start()), m.start()
        if not out or out[-1].text in STMT_BREAKS or text in STMT_BREAKS:
            decl, assigned = kind == "ident" and text in DECL_WORDS, False
        is_assign = text in ("=", "<=") and depth == 0 and bracket == 0 and not assigned
        in_range = decl and not assigned and bracket > 0
        out.append(Token(kind, text, m.start(), m.end(), line, in_range, is_assign, decl and not assigned))
        assigned = assigned or is_assign
        depth += 1 if text in ("(", "{") else -1 if text in (")", "}") else 0
        bracket += 1 if text == "[" else -1 if text == "]" else 0
    return out


def matching(toks: list[Token], i: int) -> int:
    """Index of the bracket closing the one at ``toks[i]``, or -1."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    opener, closer, depth = toks[i].text, pairs[toks[i].text], 0
    for j in range(i, len(toks)):
        depth += (toks[j].text == opener) - (toks[j].text == closer)
        if depth == 0:
            return j
    return -1


def widths(toks: list[Token]) -> dict[str, tuple[int, bool]]:
    """Pure: declared name -> (width, is_memory) for declarations with literal ranges."""
    widths: dict[str, tuple[int, bool]] = {}
    width, i = 1, 0
    while i < len(toks):
        t = toks[i]
        if t.text in ("input", "output", "inout", "reg", "wire", "integer", "localparam", "parameter"):
            width = 32 if t.text == "integer" else 1
        elif (
            t.in_decl
            and t.text == "["
            and (toks[i - 1].kind != "ident" or toks[i - 1].text in DECL_WORDS | KEYWORDS)
        ):
            j = matching(toks, i)
            rng = [x.text for x in toks[i + 1 : j]]
            if len(rng) == 3 and rng[1] == ":" and rng[0].isdigit() and rng[2].isdigit():
                width = abs(int(rng[0]) - int(rng[2])) + 1
            i = j
        elif t.in_decl and t.kind == "ident" and t.text not in DECL_WORDS | KEYWORDS:
            is_mem = i + 1 < len(toks) and toks[i + 1].text == "["
            widths.setdefault(t.text, (width, is_mem))
        i += 1
    return widths


def lhs_width(lhs: list[Token], widths: dict[str, tuple[int, bool]]) -> int | None:
    """Width of an assignment target: a name, a memory word, or a concatenation of names."""
    names = [t.text for t in lhs if t.kind == "ident"]
    if lhs[0].text == "{" and all(t.kind == "ident" or t.text in "{},}" for t in lhs):
        ws = [widths.get(n, (0, True)) for n in names]
        return sum(w for w, mem in ws) if all(w and not mem for w, mem in ws) else None
    if len(lhs) == 1 and names and names[0] in widths and not widths[names[0]][1]:
        return widths[names[0]][0]
    if (
        lhs[0].kind == "ident"
        and len(lhs) > 1
        and lhs[1].text == "["
        and widths.get(lhs[0].text, (0, False))[1]
    ):
        return widths[lhs[0].text][0] if matching(lhs, 1) == len(lhs) - 1 else None
    return None


def lhs_start(toks: list[Token], i: int) -> int:
    """Index of the first token of the assignment target ending just before ``toks[i]``."""
    stops = STMT_BREAKS | DECL_WORDS | KEYWORDS | {")", ":"}
    j = i - 1
    while j >= 0:
        t = toks[j]
        if t.text == "]" and not t.in_decl_range:
            depth = 0
            while j >= 0:  # skip back over an index or part select
                depth += (toks[j].text == "]") - (toks[j].text == "[")
                if depth == 0:
                    break
                j -= 1
        elif t.text in stops or t.in_decl_range:
            return j + 1
        j -= 1
    return 0
