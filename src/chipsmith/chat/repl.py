"""The chat loop: read a line (readline: history, editing, tab completion), run a slash command or
send a request as a turn of the session, print the turn's events as they happen.

Ctrl-C during a turn cancels that step (the turn ends at its next model call, tool call or streamed
token, its work so far is kept) and the prompt comes back; a second Ctrl-C while it stops leaves
the chat. Ctrl-C at the prompt clears the line; Ctrl-D or ``/exit`` leaves. The session is created
by the first request (so opening and leaving the chat leaves no empty session behind).
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.text import Text

from chipsmith.chat.actions import ChatState, model_notice, run_command
from chipsmith.chat.slash import Slash, SlashError, complete, parse_input
from chipsmith.chat.view import Printer

EXIT_INTERRUPTED = 130


class Repl:
    def __init__(self, state: ChatState, history_file: Path | None = None) -> None:
        self.state = state
        self.console: Console = state.console
        self.printer = Printer(self.console)
        self.history_file = history_file
        self._readline: Any = None

    # ------------------------------------------------------------------ the loop
    def run(self) -> int:
        self._setup_readline()
        try:
            while True:
                line = self.read()
                if line is None:
                    return 0
                try:
                    parsed = parse_input(line)
                except SlashError as exc:
                    self.console.print(Text(str(exc), style="red"))
                    continue
                if isinstance(parsed, Slash):
                    if not self.command(parsed):
                        return 0
                elif parsed is not None and not self.turn(parsed):
                    return EXIT_INTERRUPTED
        finally:
            self._save_history()
            if self.state.session is not None:
                self.state.session.close()

    def read(self) -> str | None:
        """One input (lines ending in ``\\`` continue); None at end of input (Ctrl-D)."""
        parts: list[str] = []
        while True:
            try:
                line = input(self._prompt("... " if parts else "you> "))
            except EOFError:
                self.console.print()
                return None
            except KeyboardInterrupt:
                self.console.print(Text("^C (Ctrl-D or /exit leaves)", style="dim"))
                parts = []
                continue
            if line.endswith("\\"):
                parts.append(line[:-1])
                continue
            return "\n".join([*parts, line])

    def _prompt(self, text: str) -> str:
        if self._readline is None or not self.console.is_terminal or self.console.no_color:
            return text
        # \001 and \002 tell readline the colour codes take no room on the line
        return f"\001\033[1;32m\002{text}\001\033[0m\002"

    def command(self, cmd: Slash) -> bool:
        try:
            return run_command(self.state, cmd)
        except KeyboardInterrupt:
            self.console.print(Text(f"/{cmd.name} interrupted", style="yellow"))
            return True

    # ------------------------------------------------------------------ turns
    def turn(self, text: str) -> bool:
        """Run one request as a turn; False when the user asked to leave (a second Ctrl-C)."""
        turn = self._start(text)
        if turn is None:
            return True
        try:
            self._drain(turn)
        except KeyboardInterrupt:
            return self._stop(turn)
        return True

    def _start(self, text: str) -> Any:
        """The session's model opened and the turn started; None (and one line) when it cannot be.
        A session this request created is discarded again if its model does not open."""
        from chipsmith.agents.session_store import SessionError
        from chipsmith.llm.errors import LLMError

        st = self.state
        created = st.session is None
        try:
            if created:
                st.session = st.manager.create(model=st.model, workspace=st.workspace, title=text)
            with self.console.status("opening the model...", spinner="dots"):
                st.session.engine()
            if created:
                self.banner(st.session, resumed=False)
            return st.session.send(text)
        except (LLMError, SessionError, ValueError, OSError, KeyboardInterrupt) as exc:
            self.printer.say(
                "cancelled" if isinstance(exc, KeyboardInterrupt) else f"error: {_one_line(exc)}", "red"
            )
            if created and st.session is not None and not st.session.info.turns:
                st.manager.discard(st.session)
                st.session = None
            return None

    def _drain(self, turn: Any) -> None:
        try:
            for event in turn:
                self._show(event)
        except Exception as exc:  # what stopped the turn, re-raised by Turn after its last event
            self.printer.say(f"the turn stopped: {_one_line(exc)}", "bold red")

    def _stop(self, turn: Any) -> bool:
        self.printer.say(
            "stopping the step at its next model or tool call (Ctrl-C again leaves the chat)...", "yellow"
        )
        turn.cancel()
        try:
            self._drain(turn)
        except KeyboardInterrupt:
            self.printer.say(
                "left while the step was stopping; chipsmith chat --last resumes the session", "yellow"
            )
            return False
        return True

    def _show(self, event: Any) -> None:
        self.printer.event(event)
        if event.kind == "outcome":
            self.state.last_changed = {f["path"] for f in event.data.get("files") or []}

    def banner(self, session: Any, resumed: bool) -> None:
        info = session.info
        verb = "resumed" if resumed else "new"
        self.console.print(Text(f"{verb} session {info.id}; workspace {info.workspace}", style="dim"))
        notice = model_notice(info.model)
        self.console.print(Text(f"model: {info.model}" + (f" ({notice})" if notice else ""),
                                style="yellow" if notice else "dim"))  # fmt: skip

    # ------------------------------------------------------------------ readline
    def _setup_readline(self) -> None:
        if not sys.stdin.isatty():
            return
        try:
            import readline
        except ImportError:  # a Python without readline: plain input() still works
            return
        self._readline = readline
        readline.set_completer_delims(" \t\n")
        readline.set_completer(self._complete)
        readline.parse_and_bind("tab: complete")
        if self.history_file is not None and self.history_file.is_file():
            with contextlib.suppress(OSError):
                readline.read_history_file(self.history_file)

    def _complete(self, _text: str, state: int) -> str | None:
        rl = self._readline
        line = rl.get_line_buffer()[: rl.get_endidx()]
        files = []
        if self.state.session is not None and line.startswith(("/show ", "/diff ", "/cat ")):
            with contextlib.suppress(Exception):
                files = [f.path for f in self.state.session.files()]
        options = complete(line, files)
        return options[state] if state < len(options) else None

    def _save_history(self) -> None:
        if self._readline is None or self.history_file is None:
            return
        with contextlib.suppress(OSError):
            self.history_file.parent.mkdir(parents=True, exist_ok=True)
            self._readline.set_history_length(1000)
            self._readline.write_history_file(self.history_file)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
