"""Salvage Verilog from a model's reply, or say precisely why there is none. Pure functions.

Small models answer in every shape: a fenced block, bare code, code cut off at the token limit, VHDL,
Python, prose. ``reply_code`` returns the design text when there is one, and otherwise a problem
line written for the model ("your reply has no code block ...").
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from chipsmith.llm.textproto import CodeBlock, extract_code_blocks

VERILOG_TAGS = {"verilog", "systemverilog", "sv", "v", "vlog", "verilog-2005", ""}
_MODULE = re.compile(r"^\s*module\b", re.M)
_ENDMODULE = re.compile(r"\bendmodule\b")
_BARE_MODULE = re.compile(r"\bmodule\s+[A-Za-z_]\w*\s*[(#;]")
_OTHER_LANGUAGES = (
    ("VHDL", re.compile(r"\b(entity\s+\w+\s+is|architecture\s+\w+\s+of|library\s+ieee)\b", re.I)),
    ("Python", re.compile(r"^\s*(def \w+\(|import \w+|from \w+ import|class \w+\s*[(:])", re.M)),
    ("C/C++", re.compile(r"^\s*(#include\s*[<\"]|int main\s*\()", re.M)),
    ("Chisel/Scala", re.compile(r"\bextends\s+Module\b|\bval\s+io\s*=", re.M)),
)


class ReplyCode(BaseModel):
    """The design found in a reply, or the problem to tell the model."""

    code: str | None = None
    problem: str | None = None
    source: str = "none"
    """fenced (a code block), bare (module ... endmodule in the prose), none."""


def other_language(text: str) -> str | None:
    """Pure: the name of a language that is not Verilog that ``text`` is written in, if any."""
    if _MODULE.search(text) and _ENDMODULE.search(text):
        return None
    return next((name for name, pattern in _OTHER_LANGUAGES if pattern.search(text)), None)


def _is_verilog(block: CodeBlock) -> bool:
    tag = (block.lang or "").lower()
    return (tag in VERILOG_TAGS or tag.startswith("verilog")) and bool(_MODULE.search(block.code))


def _pick(blocks: list[CodeBlock], top: str | None) -> CodeBlock:
    """The last block that defines ``top``, else the last Verilog block (a model often revises itself)."""
    if top:
        named = re.compile(rf"^\s*module\s+{re.escape(top)}\b", re.M)
        for block in reversed(blocks):
            if named.search(block.code):
                return block
    return blocks[-1]


def _bare(text: str) -> str | None:
    """Unfenced ``module ... endmodule`` in the reply."""
    start = _BARE_MODULE.search(text)
    ends = list(_ENDMODULE.finditer(text))
    if start is None or not ends or ends[-1].end() <= start.start():
        return None
    return text[start.start() : ends[-1].end()].strip() + "\n"


def reply_code(text: str, top: str | None) -> ReplyCode:
    """The design in ``text`` (a model's reply), or why there is none, in words the model can act on."""
    blocks = extract_code_blocks(text)
    verilog = [b for b in blocks if _is_verilog(b)]
    if verilog:
        block = _pick(verilog, top)
        if not block.closed or not _ENDMODULE.search(block.code):
            return ReplyCode(
                problem="your code block was cut off before `endmodule` (the reply hit its length limit); "
                "send the complete module, shorter: no comments, no explanation"
            )
        return ReplyCode(code=block.code, source="fenced")
    if (bare := _bare(text)) is not None:
        return ReplyCode(code=bare, source="bare")
    for block in blocks:
        if lang := other_language(block.code) or _tag_language(block.lang):
            return ReplyCode(
                problem=f"your code is {lang}, not Verilog; write the module in Verilog "
                "(`module ... endmodule`) inside a ```verilog block"
            )
    if blocks:
        return ReplyCode(
            problem="your code block holds no Verilog module (no `module ... endmodule`); send the whole "
            "module, header included, inside a ```verilog block"
        )
    if lang := other_language(text):
        return ReplyCode(problem=f"your reply is {lang}, not Verilog; answer with a ```verilog block")
    return ReplyCode(
        problem="your reply has no code: answer with one ```verilog block holding the complete module"
    )


def _tag_language(tag: str | None) -> str | None:
    tag = (tag or "").lower()
    names = {
        "vhdl": "VHDL",
        "python": "Python",
        "py": "Python",
        "c": "C/C++",
        "cpp": "C/C++",
        "scala": "Chisel/Scala",
    }
    return names.get(tag)
