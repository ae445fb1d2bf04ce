"""Pure source scanners the adapters share: which modules a testbench uses, a module's interface,
renaming a module's declaration.

They work on text with comments and strings blanked (``tools.hdl.strip_comments_and_strings``
keeps every offset), so a match found in the blanked text can be cut from the original source.
"""

from __future__ import annotations

import re

from chipsmith.tools.hdl import find_modules, strip_comments_and_strings

_IDENT = r"[A-Za-z_][A-Za-z0-9_$]*"
# `name [#(params)] inst [range] (` : a module instantiation. The look-behind skips system tasks
# ($display), hierarchical or port references (.a(b)) and macros (`define).
_INSTANCE = re.compile(
    rf"(?<![$.`\w])({_IDENT})(?:\s*#\s*\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)\s*|\s+)"
    rf"{_IDENT}\s*(?:\[[^\]]*\]\s*)?\("
)
# Words that can precede `ident (` without being a module: keywords, types, built-in gates.
_NOT_MODULE_WORDS = """module macromodule endmodule primitive interface program package input output inout wire reg
    logic bit byte int integer real realtime time shortint longint signed unsigned string event var
    const static automatic parameter localparam defparam genvar generate endgenerate assign deassign
    force release always always_comb always_ff always_latch initial final begin end fork join
    join_any join_none if else for foreach forever repeat while do case casex casez endcase default
    function endfunction task endtask return wait disable posedge negedge edge or and not nand nor
    xor xnor buf bufif0 bufif1 notif0 notif1 pullup pulldown tran rtran supply0 supply1 tri tri0 tri1
    wand wor triand trior assert assume cover property sequence typedef struct union enum packed
    import export virtual class extends new void specify endspecify table endtable"""
_NOT_MODULES = frozenset(_NOT_MODULE_WORDS.split())
_PORT_DECL = re.compile(r"\s*(input|output|inout)\b")
_PARAM_DECL = re.compile(rf"\s*(?:parameter|localparam)\b.*?\b({_IDENT})\s*=", re.S)


def instantiated_modules(src: str) -> list[str]:
    """Pure: modules ``src`` instantiates but does not define, in order of first use."""
    text = strip_comments_and_strings(src)
    defined = set(find_modules(text))
    found: list[str] = []
    for match in _INSTANCE.finditer(text):
        name = match.group(1)
        if name not in defined and name not in _NOT_MODULES and name not in found:
            found.append(name)
    return found


def rename_module(src: str, old: str, new: str) -> str:
    """Pure: ``src`` with module ``old``'s declaration (and an ``endmodule : old`` label) named ``new``."""
    out = re.sub(
        rf"\b((?:macro)?module\s+(?:(?:automatic|static)\s+)?){re.escape(old)}\b", rf"\g<1>{new}", src
    )
    return re.sub(rf"\b(endmodule\s*:\s*){re.escape(old)}\b", rf"\g<1>{new}", out)


def _header_end(text: str, start: int) -> int:
    """Offset of the ``;`` that ends the module header starting at ``start`` (-1 if none)."""
    depth = 0
    for i in range(start, len(text)):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == ";" and depth <= 0:
            return i
    return -1


def _statements(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) offsets of the ``;``-terminated statements of ``text[start:end]``, blanks trimmed."""
    spans = []
    pos = start
    while (semi := text.find(";", pos, end)) != -1:
        stmt_start = pos + (len(text[pos:semi]) - len(text[pos:semi].lstrip()))
        spans.append((stmt_start, semi + 1))
        pos = semi + 1
    return spans


def module_header(src: str, name: str) -> str:
    """Pure: the interface of module ``name``: its header up to the ``;``, and for a non-ANSI header
    (ports listed without directions) the port declarations of its body, with the parameters they
    use. Empty when ``src`` does not define ``name``."""
    text = strip_comments_and_strings(src)
    match = re.search(rf"\b(?:macro)?module\s+(?:(?:automatic|static)\s+)?{re.escape(name)}\b", text)
    end = _header_end(text, match.end()) if match else -1
    if not match or end < 0:
        return ""
    header = src[match.start() : end + 1]
    if re.search(r"\b(input|output|inout)\b", text[match.start() : end]):
        return header
    body_end = text.find("endmodule", end)
    spans = _statements(text, end + 1, body_end if body_end != -1 else len(text))
    # A task's or function's own `input`s are not the module's ports.
    cut = next((i for i, (a, _) in enumerate(spans) if re.match(r"(task|function)\b", text[a:])), len(spans))
    spans = spans[:cut]
    ports = [s for s in spans if _PORT_DECL.match(text, s[0])]
    used = " ".join(text[a:b] for a, b in ports)
    params = [
        s
        for s in spans
        if (m := _PARAM_DECL.match(text, s[0], s[1])) and re.search(rf"\b{m.group(1)}\b", used)
    ]
    decls = [src[a:b].strip() for a, b in sorted(params + ports)]
    return "\n".join([header, *("    " + d for d in decls)])
