"""The plain-text tool protocol for models without native tool calling (small local models).

Pure functions on strings; the chat-model wrapper in ``chipsmith.llm.chat`` uses them.

A reply calls a tool with a line ``ACTION: tool_name {"arg": "value"}``: the keyword starts the
line (any case), the name is a bound tool, the arguments are ONE JSON object that may run on over
following lines, and nothing but whitespace may follow it. Lines inside fenced code blocks are
code, never actions. Anything else that looks like an action becomes an invalid tool call whose
error tells the model what was wrong. Optionally a fenced block whose info string names a file
(```` ```verilog file=adder.v ````) becomes a call of a file-writing tool.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from pydantic import BaseModel

MAX_ACTIONS = 16
"""More actions in one reply than this are refused (a looping model, not a plan)."""

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_ACTION = re.compile(r"^\s*ACTION\s*:(.*)$", re.IGNORECASE)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
_FILE_ATTR = re.compile(r"""\bfile\s*=\s*("([^"]*)"|'([^']*)'|(\S+))""")


class CodeBlock(BaseModel):
    """One fenced code block of a reply."""

    lang: str | None = None
    file: str | None = None
    code: str
    closed: bool = True
    """False when the reply ended inside the block (cut off at the token limit)."""


class FileTool(BaseModel):
    """Which bound tool a ``file=NAME`` code block calls, and its argument names."""

    name: str
    path_arg: str = "path"
    content_arg: str = "content"


class ParsedReply(BaseModel):
    """Tool calls found in a reply, in LangChain's ToolCall / InvalidToolCall dict shapes."""

    tool_calls: list[dict[str, Any]] = []
    invalid_tool_calls: list[dict[str, Any]] = []


def _info(info: str) -> tuple[str | None, str | None]:
    """(language, file) from a fence's info string: ``verilog file=adder.v``."""
    match = _FILE_ATTR.search(info)
    file = next((g for g in match.groups()[1:] if g), None) if match else None
    rest = _FILE_ATTR.sub("", info).strip().split()
    return (rest[0] if rest else None), file


def _scan(text: str) -> tuple[list[tuple[int, CodeBlock]], list[tuple[int, str]]]:
    """Split ``text`` into (offset, fenced block) and (offset, line outside blocks) pairs."""
    blocks: list[tuple[int, CodeBlock]] = []
    outside: list[tuple[int, str]] = []
    fence: str | None = None
    lang = file = None
    body: list[str] = []
    offset = opened = 0
    for raw in text.splitlines(keepends=True):
        line, start, offset = raw.rstrip("\r\n"), offset, offset + len(raw)
        m = _FENCE.match(line)
        if fence is None and m:
            fence, (lang, file), body, opened = m.group(1), _info(m.group(2)), [], start
        elif (
            fence is not None
            and m
            and m.group(1)[0] == fence[0]
            and len(m.group(1)) >= len(fence)
            and not m.group(2).strip()
        ):
            code = "\n".join(body) + ("\n" if body else "")
            blocks.append((opened, CodeBlock(lang=lang, file=file, code=code)))
            fence = None
        elif fence is not None:
            body.append(line)
        else:
            outside.append((start, line))
    if fence is not None:
        blocks.append((opened, CodeBlock(lang=lang, file=file, code="\n".join(body), closed=False)))
    return blocks, outside


def extract_code_blocks(text: str) -> list[CodeBlock]:
    """Every fenced code block in ``text``, in order (a block cut off at the end has ``closed=False``)."""
    return [block for _, block in _scan(text)[0]]


def _call_id() -> str:
    return f"call_{uuid.uuid4().hex[:16]}"


def _invalid(name: str | None, args: str | None, error: str) -> dict[str, Any]:
    return {"type": "invalid_tool_call", "name": name, "args": args, "id": _call_id(), "error": error}


def _parse_action(text: str, start: int, line: str, tools: set[str]) -> dict[str, Any]:
    """The action on ``line`` (at offset ``start`` of ``text``); its JSON may run on over later lines."""
    rest = line[line.index(":") + 1 :]
    stripped = rest.strip()
    m = _NAME.match(stripped)
    if not m:
        return _invalid(None, stripped[:200], "ACTION needs a tool name, then a JSON object of arguments")
    name, tail = m.group(0), stripped[m.end() :].lstrip()
    if name not in tools:
        known = ", ".join(sorted(tools)) or "none"
        return _invalid(name, tail[:200], f"unknown tool {name!r}; available: {known}")
    if not tail.startswith("{"):
        return _invalid(name, tail[:200], f"ACTION {name} needs its arguments as one JSON object, e.g. {{}}")
    brace = start + line.index(":") + 1 + rest.index("{")
    try:
        # raw_decode from an offset: no copy of a long reply per action
        args, end = json.JSONDecoder().raw_decode(text, brace)
    except json.JSONDecodeError as exc:
        return _invalid(name, tail[:200], f"arguments of {name} are not valid JSON: {exc.msg}")
    line_end = text.find("\n", end)
    if text[end : len(text) if line_end < 0 else line_end].strip():
        return _invalid(
            name, tail[:200], f"text after the JSON arguments of {name}; end the line after the object"
        )
    return {"type": "tool_call", "name": name, "args": args, "id": _call_id()}


def parse_reply(text: str, tools: set[str], file_tool: FileTool | None = None) -> ParsedReply:
    """The tool calls in a text-protocol reply; malformed ones come back as invalid tool calls."""
    blocks, outside = _scan(text)
    found: list[tuple[int, dict[str, Any]]] = []
    for start, line in outside:
        if _ACTION.match(line):
            found.append((start, _parse_action(text, start, line, tools)))
            if len(found) > MAX_ACTIONS:
                break
    if file_tool is not None and file_tool.name in tools:
        found += [(start, _file_call(b, file_tool)) for start, b in blocks if b.file]
    calls = [call for _, call in sorted(found, key=lambda pair: pair[0])]
    if len(calls) > MAX_ACTIONS:
        calls = calls[:MAX_ACTIONS] + [
            _invalid(None, None, f"more than {MAX_ACTIONS} actions in one reply; the rest were ignored")
        ]
    reply = ParsedReply()
    for call in calls:
        (reply.tool_calls if call["type"] == "tool_call" else reply.invalid_tool_calls).append(call)
    return reply


def _file_call(block: CodeBlock, tool: FileTool) -> dict[str, Any]:
    if not block.closed:
        return _invalid(tool.name, None, f"the block for {block.file} was cut off before its closing fence")
    return {
        "type": "tool_call",
        "name": tool.name,
        "args": {tool.path_arg: block.file, tool.content_arg: block.code},
        "id": _call_id(),
    }


def format_action(name: str, args: dict[str, Any]) -> str:
    """The action line for a tool call (how a history written with native calls is shown as text)."""
    return f"ACTION: {name} {json.dumps(args, ensure_ascii=False)}"


def tool_summaries(tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Name, description and compact argument schema of OpenAI-format tool dicts (for the prompt)."""
    out = []
    for tool in tools:
        fn = tool.get("function", tool)
        params = fn.get("parameters") or {}
        out.append(
            {
                "name": fn["name"],
                "description": " ".join(str(fn.get("description", "")).split()),
                "properties": params.get("properties", {}),
                "required": params.get("required", []),
                "schema": json.dumps(params, separators=(",", ":"), sort_keys=True),
            }
        )
    return out
