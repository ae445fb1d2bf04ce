"""Pure: what the user typed at the chat prompt, as a request for the model or a slash command.

A line starting with ``/`` is a command (``/show rtl/adder8.v``); arguments are split like a shell
does (quotes keep spaces). ``//`` at the start escapes a request that begins with a slash. An
unknown command or a wrong number of arguments is a ``SlashError`` with one line that says what to
type instead; nothing is sent to the model.
"""

from __future__ import annotations

import difflib
import shlex
from dataclasses import dataclass


class SlashError(ValueError):
    """A line that looks like a command but is not a valid one (one-line message)."""


@dataclass(frozen=True)
class CommandSpec:
    name: str
    usage: str
    help: str
    min_args: int = 0
    max_args: int | None = 0
    """None: any number."""
    takes_file: bool = False
    """Its argument is a workspace file (for tab completion)."""


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("files", "/files", "the workspace's files: size and how many versions the session kept"),
    CommandSpec("show", "/show FILE", "a workspace file, syntax-highlighted", 1, 1, takes_file=True),
    CommandSpec(
        "diff", "/diff FILE", "FILE against its previous version in this session", 1, 1, takes_file=True
    ),
    CommandSpec("ppa", "/ppa", "area, delay and power of each design version synthesized"),
    CommandSpec(
        "wave",
        "/wave [SIGNAL ...]",
        "the last simulation's waveform around its first mismatch (names or globs: sum 'u1.*')",
        0,
        None,
    ),
    CommandSpec("budget", "/budget", "tokens, cost, calls and time spent, against the session's budget"),
    CommandSpec("model", "/model [SPEC]", "the session's model; with SPEC, switch to it", 0, 1),
    CommandSpec("save", "/save [FILE]", "export the session as Markdown (default chat-<id>.md)", 0, 1),
    CommandSpec("help", "/help", "this list"),
    CommandSpec("exit", "/exit", "leave (the session is kept: chipsmith chat --last resumes it)"),
)
ALIASES = {"quit": "exit", "q": "exit", "?": "help", "h": "help", "ls": "files", "cat": "show"}
_BY_NAME = {c.name: c for c in COMMANDS}


@dataclass(frozen=True)
class Slash:
    """A parsed slash command: its canonical name and its arguments."""

    name: str
    args: tuple[str, ...] = ()


def parse_input(line: str) -> str | Slash | None:
    """Pure: None for a blank line, a ``Slash`` for a command, else the request text (stripped)."""
    text = line.strip()
    if not text:
        return None
    if text.startswith("//"):
        return text[1:]
    if not text.startswith("/"):
        return text
    try:
        words = shlex.split(text[1:])
    except ValueError as exc:
        raise SlashError(f"cannot read the arguments: {exc} (close the quote)") from None
    if not words:
        raise SlashError("a command name must follow '/': /help lists them")
    name, args = ALIASES.get(words[0].lower(), words[0].lower()), tuple(words[1:])
    spec = _BY_NAME.get(name)
    if spec is None:
        raise SlashError(_unknown(words[0]))
    _check_count(spec, args)
    return Slash(name, args)


def _unknown(word: str) -> str:
    near = difflib.get_close_matches(word.lower(), [*_BY_NAME, *ALIASES], n=1, cutoff=0.6)
    hint = f"did you mean /{ALIASES.get(near[0], near[0])}? " if near else ""
    return f"unknown command /{word}: {hint}/help lists the commands (start with // to send a '/' request)"


def _check_count(spec: CommandSpec, args: tuple[str, ...]) -> None:
    n, top = len(args), spec.max_args
    if n < spec.min_args or (top is not None and n > top):
        want = "no arguments" if top == 0 else spec.usage
        raise SlashError(f"/{spec.name} takes {want}" if top == 0 else f"usage: {want}")


def complete(line: str, files: list[str]) -> list[str]:
    """Pure: candidates for the last word of ``line`` (the text before the cursor): command names,
    then workspace files after /show and /diff."""
    if not line.startswith("/"):
        return []
    head, sep, rest = line[1:].partition(" ")
    if not sep:
        return [f"/{c.name}" for c in COMMANDS if c.name.startswith(head.lower())]
    spec = _BY_NAME.get(ALIASES.get(head.lower(), head.lower()))
    rest = rest.lstrip()
    if spec is None or not spec.takes_file or " " in rest:
        return []
    return [f for f in files if f.startswith(rest)]


def help_rows() -> list[tuple[str, str]]:
    """Pure: (usage, what it does) for every command, in display order."""
    return [(c.usage, c.help) for c in COMMANDS]
