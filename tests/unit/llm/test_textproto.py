"""The text protocol parser: code blocks, ACTION lines, and hostile or malformed replies."""

from __future__ import annotations

import json
import time

import pytest

from chipsmith.llm.textproto import MAX_ACTIONS, FileTool, extract_code_blocks, format_action, parse_reply

pytestmark = pytest.mark.unit

TOOLS = {"read_file", "write_file", "simulate"}


def test_salvages_code_from_an_unlabelled_fence() -> None:
    blocks = extract_code_blocks("Here:\n```\ny = a AND b;\n```\nDone.")
    assert [(b.lang, b.file, b.code, b.closed) for b in blocks] == [(None, None, "y = a AND b;\n", True)]


def test_language_file_and_fence_kinds() -> None:
    text = (
        "```verilog file=rtl/adder.v\nmodule adder; endmodule\n```\n"
        '~~~~ systemverilog file="tb top.sv"\n```\nnot a close\n```\n~~~~\n'
        "```python\nprint(1)"
    )
    blocks = extract_code_blocks(text)
    assert [(b.lang, b.file, b.closed) for b in blocks] == [
        ("verilog", "rtl/adder.v", True),
        ("systemverilog", "tb top.sv", True),
        ("python", None, False),
    ]
    assert blocks[1].code == "```\nnot a close\n```\n"
    assert blocks[2].code == "print(1)"


def test_no_blocks_in_plain_text() -> None:
    assert extract_code_blocks("no code here, just `inline` ticks") == []


def test_valid_actions_in_text_order() -> None:
    text = 'I will look.\nACTION: read_file {"path": "a.v"}\naction: simulate {\n  "top": "tb"\n}\nThanks.'
    parsed = parse_reply(text, TOOLS)
    assert [(c["name"], c["args"]) for c in parsed.tool_calls] == [
        ("read_file", {"path": "a.v"}),
        ("simulate", {"top": "tb"}),
    ]
    assert parsed.invalid_tool_calls == []
    assert len({c["id"] for c in parsed.tool_calls}) == 2


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        ("ACTION: delete_all {}", "unknown tool 'delete_all'; available: read_file, simulate, write_file"),
        ("ACTION: read_file path=a.v", "needs its arguments as one JSON object"),
        ("ACTION: read_file [1, 2]", "needs its arguments as one JSON object"),
        ("ACTION: read_file {'path': 'a.v'}", "not valid JSON"),
        ('ACTION: read_file {"path": "a.v"', "not valid JSON"),
        ('ACTION: read_file {"path": "a.v"} and then more', "text after the JSON arguments"),
        ("ACTION:", "needs a tool name"),
        ("ACTION: 123 {}", "needs a tool name"),
    ],
)
def test_malformed_actions_become_invalid_calls(line: str, needle: str) -> None:
    parsed = parse_reply(f"text\n{line}\n", TOOLS)
    assert parsed.tool_calls == []
    (bad,) = parsed.invalid_tool_calls
    assert needle in bad["error"] and bad["type"] == "invalid_tool_call" and bad["id"]


def test_actions_inside_code_blocks_are_code() -> None:
    text = '```\nACTION: read_file {"path": "x"}\n```\n'
    assert parse_reply(text, TOOLS).tool_calls == []


def test_action_keyword_must_start_the_line() -> None:
    assert parse_reply('I would write ACTION: read_file {"path": "a"} here', TOOLS).tool_calls == []


def test_file_blocks_call_the_file_tool_when_bound() -> None:
    text = 'ACTION: read_file {"path": "spec.md"}\n```verilog file=top.v\nmodule top; endmodule\n```\n'
    tool = FileTool(name="write_file")
    parsed = parse_reply(text, TOOLS, tool)
    assert [(c["name"], c["args"]) for c in parsed.tool_calls] == [
        ("read_file", {"path": "spec.md"}),
        ("write_file", {"path": "top.v", "content": "module top; endmodule\n"}),
    ]
    assert parse_reply(text, {"read_file"}, tool).tool_calls[1:] == []  # the file tool is not bound
    assert len(parse_reply(text, TOOLS).tool_calls) == 1  # no mapping asked for


def test_a_cut_off_file_block_is_invalid_not_written() -> None:
    parsed = parse_reply("```verilog file=top.v\nmodule top;\n", TOOLS, FileTool(name="write_file"))
    assert parsed.tool_calls == []
    assert "cut off" in parsed.invalid_tool_calls[0]["error"]


def test_too_many_actions_are_capped() -> None:
    text = "\n".join(f'ACTION: read_file {{"path": "f{i}.v"}}' for i in range(MAX_ACTIONS + 10))
    parsed = parse_reply(text, TOOLS)
    assert len(parsed.tool_calls) == MAX_ACTIONS
    assert "more than" in parsed.invalid_tool_calls[-1]["error"]


def test_hostile_replies_parse_fast() -> None:
    big = "x" * 200_000
    many = "ACTION: read_file {\n" * 20_000  # unterminated JSON on every line
    start = time.monotonic()
    assert parse_reply(big, TOOLS).tool_calls == []
    parsed = parse_reply(many, TOOLS)
    assert len(parsed.invalid_tool_calls) == MAX_ACTIONS + 1
    assert extract_code_blocks("```\n" + big)[0].closed is False
    assert time.monotonic() - start < 5.0


def test_format_action_round_trips() -> None:
    args = {"path": "a b.v", "content": 'line "1"\nline 2', "n": 3}
    line = format_action("write_file", args)
    assert "\n" not in line
    assert parse_reply(line, TOOLS).tool_calls[0]["args"] == args
    assert json.loads(line.split(" ", 2)[2]) == args
