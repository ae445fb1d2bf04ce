"""``chipsmith chat`` in a pseudo-terminal (pexpect): a helper that starts it, types, and waits."""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers import require_module

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][A-Za-z0-9]|[\x01\x02]")
PROMPT = "you> "


class Chat:
    """One ``chipsmith chat`` process on a pty 200 columns wide; ``out`` is what it printed, plain."""

    def __init__(self, home: Path, cwd: Path, *args: str) -> None:
        import pexpect

        env = {**os.environ, "CHIPSMITH_HOME": str(home), "CHIPSMITH_LLM_CACHE": "false", "TERM": "xterm"}
        for name in ("CHIPSMITH_MODEL", "NO_COLOR", "COLUMNS", "LINES"):
            env.pop(name, None)
        self.log = io.StringIO()
        self.child = pexpect.spawn(
            sys.executable, ["-m", "chipsmith.cli", "chat", *args], cwd=str(cwd), env=env,
            dimensions=(50, 200), encoding="utf-8", codec_errors="replace", timeout=180,
        )  # fmt: skip
        self.child.logfile_read = self.log

    @property
    def out(self) -> str:
        return ANSI.sub("", self.log.getvalue()).replace("\r", "")

    def expect(self, text: str, timeout: float = 180) -> str:
        """Wait until ``text`` appears (plain text, colours ignored); returns the output so far."""
        import pexpect

        start = len(self.out)
        while text not in self.out[start:]:
            try:
                self.child.expect(r"[\s\S]+", timeout=timeout)  # whatever came, at least one character
            except (pexpect.TIMEOUT, pexpect.EOF) as exc:
                raise AssertionError(
                    f"{text!r} never came ({type(exc).__name__}); output:\n{self.out[-3000:]}"
                ) from None
        return self.out

    def prompt(self, start: int = 0, timeout: float = 180) -> str:
        """Wait until the chat waits for input (its output ends with the prompt); returns the output."""
        import pexpect

        while not self.out[start:].endswith(PROMPT):
            try:
                self.child.expect(r"[\s\S]+", timeout=timeout)
            except (pexpect.TIMEOUT, pexpect.EOF) as exc:
                raise AssertionError(
                    f"no prompt ({type(exc).__name__}); output:\n{self.out[-3000:]}"
                ) from None
        return self.out

    def command(self, line: str) -> str:
        """Type ``line`` and return what it printed up to the next prompt."""
        start = len(self.out)
        self.child.sendline(line)
        mark = self.expect(line).index(line, start) + len(line)  # just after the echo
        return self.prompt(mark)[mark:]

    def ended(self, timeout: float = 30) -> int | None:
        """Wait for the process to end; its exit status (None when a signal ended it)."""
        import pexpect

        self.child.expect(pexpect.EOF, timeout=timeout)
        self.child.close()
        return self.child.exitstatus

    def close(self) -> None:
        if self.child.isalive():
            self.child.terminate(force=True)


@pytest.fixture
def chat(tmp_path: Path) -> Iterator[Any]:
    """``chat(*args)`` starts ``chipsmith chat ARGS`` with a fresh home under tmp_path."""
    require_module("pexpect")
    started: list[Chat] = []

    def start(*args: str) -> Chat:
        c = Chat(tmp_path / "home", tmp_path, *args)
        started.append(c)
        return c

    yield start
    for c in started:
        c.close()
