"""The chat's slash commands, run against the session (reading it needs no model).

Each command prints to the console; what a user can get wrong (a file that is not there, a signal
that matches nothing, a bad model spec) prints one line and the chat goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

from chipsmith.chat.slash import Slash, help_rows

MAX_VCD_BYTES = 256 * 2**20


@dataclass
class ChatState:
    """What the REPL holds between lines: the session (None until the first request) and options."""

    console: Console
    manager: Any
    session: Any = None
    model: str | None = None
    """The model spec for a new session, or the one ``/model SPEC`` switched to."""
    workspace: Path | None = None
    last_changed: set[str] = field(default_factory=set)


class ActionError(ValueError):
    """A command that cannot be done as asked (one line)."""


def run_command(state: ChatState, cmd: Slash) -> bool:
    """Run one slash command; False when the chat should end."""
    from chipsmith.agents.session_store import SessionError
    from chipsmith.chat.files_view import FileViewError
    from chipsmith.chat.wave_select import WaveError
    from chipsmith.llm.errors import LLMError
    from chipsmith.tools.trace._waves import VcdError

    if cmd.name == "exit":
        return False
    try:
        HANDLERS[cmd.name](state, list(cmd.args))
    except (
        ActionError,
        FileViewError,
        WaveError,
        VcdError,
        SessionError,
        LLMError,
        ValueError,
        OSError,
    ) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        state.console.print(Text(f"/{cmd.name}: {message}", style="red"))
    return True


def _session(state: ChatState) -> Any:
    if state.session is None:
        raise ActionError("no session yet: your first request starts one")
    return state.session


def do_help(state: ChatState, _args: list[str]) -> None:
    table = Table(box=None, show_header=False, pad_edge=False)
    for usage, text in help_rows():
        table.add_row(Text(usage, style="bold"), text)
    state.console.print(table)
    state.console.print(
        Text("Anything else is sent to the model. Ctrl-C stops the current step (not the session); "
             "Ctrl-D or /exit leaves. End a line with \\ to continue it.", style="dim")
    )  # fmt: skip


def do_files(state: ChatState, _args: list[str]) -> None:
    from chipsmith.chat.files_view import files_table

    s = _session(state)
    files = s.files()
    if not files:
        state.console.print(f"the workspace {s.workspace.root} is empty")
        return
    state.console.print(files_table(files, state.last_changed))
    state.console.print(Text(f"in {s.workspace.root}", style="dim"))


def do_show(state: ChatState, args: list[str]) -> None:
    from chipsmith.chat.files_view import show

    shown = show(_session(state), args[0])
    state.console.print(Text(args[0], style="bold"))
    state.console.print(shown)


def do_diff(state: ChatState, args: list[str]) -> None:
    from chipsmith.chat.files_view import diff

    head, body = diff(_session(state), args[0])
    state.console.print(Text(head, style="bold"))
    if body is not None:
        state.console.print(body)


def do_wave(state: ChatState, args: list[str]) -> None:
    from chipsmith.chat.wave_select import wave_lines
    from chipsmith.tools.trace._waves import read_vcd

    s = _session(state)
    sim = s.last_simulation()
    if sim is None:
        raise ActionError("no simulation in this session yet")
    if not sim.vcd:
        raise ActionError(
            f"the last simulation ({sim.testbench} on {sim.design}) wrote no waveform: {sim.message}"
        )
    real = s.workspace.resolve(sim.vcd)
    if not real.is_file():
        raise ActionError(f"{sim.vcd} is no longer in the workspace")
    if real.stat().st_size > MAX_VCD_BYTES:
        raise ActionError(f"{sim.vcd} is {real.stat().st_size} bytes: too large to draw here")
    head, *lines = wave_lines(read_vcd(real.read_bytes()), sim, args, width=state.console.width)
    state.console.print(Text(head, style="bold"))
    for line in lines:  # cut, never wrapped: a wrapped row would break the columns
        state.console.print(Text(line), no_wrap=True, overflow="crop")


def do_ppa(state: ChatState, _args: list[str]) -> None:
    figures = _session(state).ppa()
    if not figures:
        state.console.print("no design synthesized in this session yet (ask for a PPA goal or a PPA check)")
        return
    table = Table(title="PPA (bundled cell library unless configured)", title_justify="left", box=None)
    for col in ("design", "version", "area um2", "delay ps", "power W", "baseline area", "goal", "check"):
        table.add_column(col, justify="left" if col in ("design", "version", "goal", "check") else "right")
    for p in figures:
        base = (p.baseline or {}).get("area_um2")
        verdict = "-" if p.passed is None else "pass" if p.passed else "FAIL"
        table.add_row(p.design, p.sha[:8], _num(p.area_um2), _num(p.delay_ps), _num(p.power_w, ".3e"),
                      _num(base), p.goal or "-", verdict)  # fmt: skip
    state.console.print(table)


def _num(value: Any, fmt: str = ".2f") -> str:
    return "-" if value is None else format(float(value), fmt)


def budget_rows(usage: Any) -> list[tuple[str, str, str]]:
    """Pure: (what, spent, limit) for ``/budget``."""
    lim = usage.limits
    cost = "unknown (no price for this model)" if usage.cost_usd is None else f"${usage.cost_usd:.4f}"

    def cap(key: str, fmt: str = "{}") -> str:
        return "no limit" if lim.get(key) is None else fmt.format(lim[key])

    return [
        ("tokens", f"{usage.tokens} ({usage.input_tokens} in, {usage.output_tokens} out)", cap("max_tokens")),
        ("cost", cost, cap("max_usd", "${:.2f}")),
        ("model calls", f"{usage.model_calls} ({usage.cached_calls} cached)", cap("max_model_calls")),
        ("tool calls", str(usage.tool_calls), cap("max_tool_calls")),
        ("time in turns", f"{usage.wall_s:.1f} s", cap("max_wall_s", "{:.0f} s")),
    ]


def do_budget(state: ChatState, _args: list[str]) -> None:
    table = Table(box=None, pad_edge=False)
    for col in ("", "spent", "limit"):
        table.add_column(col)
    for row in budget_rows(_session(state).usage()):
        table.add_row(*row)
    state.console.print(table)


def do_model(state: ChatState, args: list[str]) -> None:
    from chipsmith.llm.spec import parse_spec

    settings = state.manager.settings
    if args:
        spec = parse_spec(args[0], default_base_url=settings.openai_base_url).text
        if state.session is not None:
            sid = state.session.id
            state.session.close()
            state.session = state.manager.open(sid, model=spec)
        state.model = spec
        state.console.print(f"model: {spec} (from the next request on)")
        return
    s = state.session
    current = s.info.model if s is not None else parse_spec(state.model or settings.model).text
    state.console.print(f"model: {current}")
    notice = model_notice(current)
    if notice:
        state.console.print(Text(f"  {notice}", style="yellow"))
    for agent, spec in s.info.agent_models.items() if s is not None else []:
        state.console.print(f"  {agent}: {spec}")


def do_save(state: ChatState, args: list[str]) -> None:
    s = _session(state)
    out = Path(args[0]) if args else Path(f"chat-{s.id}.md")
    try:
        out.write_text(with_notice(s.export_markdown(), model_notice(s.info.model)), encoding="utf-8")
    except OSError as exc:
        raise ActionError(f"cannot write {out}: {exc.strerror or exc}") from None
    state.console.print(f"saved {out} (transcript, checks, files)")


def model_notice(spec: str) -> str | None:
    """The notice every output of a local or scripted model carries (known without starting it)."""
    from chipsmith.llm.handle import SCRIPTED_NOTICE
    from chipsmith.llm.local_server import NOTICE
    from chipsmith.llm.spec import parse_spec

    kind = parse_spec(spec).kind
    return NOTICE if kind == "local" else SCRIPTED_NOTICE if kind == "scripted" else None


def with_notice(markdown: str, notice: str | None) -> str:
    """Pure: the export with the model's notice right under its title."""
    if not notice:
        return markdown
    title, sep, rest = markdown.partition("\n")
    return (
        f"{title}\n\n> model notice: {notice}\n{rest}" if sep else f"{markdown}\n\n> model notice: {notice}\n"
    )


HANDLERS = {
    "help": do_help, "files": do_files, "show": do_show, "diff": do_diff, "wave": do_wave, "ppa": do_ppa,
    "budget": do_budget, "model": do_model, "save": do_save,
}  # fmt: skip
