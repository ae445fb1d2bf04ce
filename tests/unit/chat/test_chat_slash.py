"""Slash-command parsing and completion at the chat prompt (pure)."""

from __future__ import annotations

import pytest

from chipsmith.chat.slash import COMMANDS, Slash, SlashError, complete, help_rows, parse_input

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("line", "parsed"),
    [
        ("", None),
        ("   \t ", None),
        ("  design a UART receiver  ", "design a UART receiver"),
        ("//usr/share is not a command", "/usr/share is not a command"),
        ("/files", Slash("files")),
        ("/FILES", Slash("files")),
        ("/show rtl/adder8.v", Slash("show", ("rtl/adder8.v",))),
        ('/show "my dir/a b.v"', Slash("show", ("my dir/a b.v",))),
        ("/wave", Slash("wave")),
        ("/wave sum cout 'u1.*'", Slash("wave", ("sum", "cout", "u1.*"))),
        ("/model openai:gpt-4o-mini", Slash("model", ("openai:gpt-4o-mini",))),
        ("/save", Slash("save")),
        ("/quit", Slash("exit")),
        ("/q", Slash("exit")),
        ("/?", Slash("help")),
        ("/cat a.v", Slash("show", ("a.v",))),
    ],
)
def test_a_line_is_a_request_a_command_or_nothing(line, parsed):
    assert parse_input(line) == parsed


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("/shw a.v", "unknown command /shw: did you mean /show?"),
        ("/frobnicate", "unknown command /frobnicate: /help lists"),
        ("/", "a command name must follow '/'"),
        ("/show", "usage: /show FILE"),
        ("/show a.v b.v", "usage: /show FILE"),
        ("/diff", "usage: /diff FILE"),
        ("/files rtl", "/files takes no arguments"),
        ("/exit now", "/exit takes no arguments"),
        ("/model a b", "usage: /model [SPEC]"),
        ('/show "unclosed', "cannot read the arguments"),
    ],
)
def test_a_bad_command_is_one_line_that_says_what_to_type(line, message):
    with pytest.raises(SlashError) as err:
        parse_input(line)
    text = str(err.value)
    assert text.startswith(message) and "\n" not in text


def test_completion_of_commands_and_of_workspace_files():
    files = ["rtl/adder8.v", "rtl/alu.v", "tb/adder8_tb.sv"]
    assert complete("/sh", files) == ["/show"]
    assert complete("/", files) == [f"/{c.name}" for c in COMMANDS]
    assert complete("/show rtl/a", files) == ["rtl/adder8.v", "rtl/alu.v"]
    assert complete("/diff tb", files) == ["tb/adder8_tb.sv"]
    assert complete("/cat ", files) == files
    assert complete("/files rt", files) == []  # takes no file
    assert complete("/show a.v more", files) == []
    assert complete("design rtl", files) == []


def test_help_lists_every_command_once():
    usages = [u for u, _ in help_rows()]
    assert len(usages) == len(COMMANDS) == len(set(usages))
    assert {"/files", "/show FILE", "/diff FILE", "/ppa", "/wave [SIGNAL ...]", "/budget", "/model [SPEC]",
            "/save [FILE]", "/exit", "/help"} == set(usages)  # fmt: skip
