"""``chipsmith run "REQUEST"``: one design request, non-interactive; exit 0 only when it was met.

Imports only typer here; the session (LangChain, the model) loads inside the command.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Literal

import typer

from chipsmith.commands._common import fail, print_json

# Exit codes: 0 met, 1 not met (or nothing to verify, or cancelled), 2 a usage or model error.
EXIT_NOT_MET = 1


def event_line(event: Any) -> str | None:
    """Pure: one progress line for a session event (None: nothing to show)."""
    d, pad = event.data, "  " * (event.depth + 1)
    who = "" if event.agent == "orchestrator" else f"[{event.agent}] "
    if event.kind == "tool_start":
        args = ", ".join(f"{k}={v}" for k, v in (d.get("args") or {}).items() if v not in ("", "[]"))
        return f"{pad}{who}-> {d.get('tool')}({args[:160]})"
    if event.kind == "tool_end":
        verdict = d.get("verdict") or d.get("status")
        err = f": {d['error']}" if d.get("error") else ""
        return f"{pad}{who}<- {d.get('tool')}: {verdict} ({d.get('duration_s') or 0:.1f} s){err[:200]}"
    if event.kind == "check":
        return f"{pad}check [{'pass' if d.get('passed') else 'FAIL'}] {d.get('summary', '')[:200]}"
    if event.kind in ("progress", "notice") and event.depth <= 1:
        return f"{pad}{who}{d.get('text', '')[:200]}"
    if event.kind == "retrieval":
        return f"{pad}documents: " + ", ".join(s["source"] for s in d.get("sources", []))
    if event.kind == "error":
        return f"{pad}error: {d.get('message')}"
    return None


def _printer(quiet: bool) -> Any:
    def show(event: Any) -> None:
        if quiet:
            return
        if event.kind == "text" and event.depth == 0:
            sys.stderr.write(event.data.get("delta", ""))
        elif event.kind == "model" and event.depth == 0:
            sys.stderr.write("\n")
        elif (line := event_line(event)) is not None:
            sys.stderr.write(line + "\n")
        sys.stderr.flush()

    return show


def _drain(turn: Any, show: Any) -> Any:
    """Print the turn's events; the first Ctrl-C cancels the step, a second one exits."""
    try:
        for event in turn:
            show(event)
    except KeyboardInterrupt:
        sys.stderr.write("\ncancelling the current step (Ctrl-C again to quit)...\n")
        turn.cancel()
        try:
            for event in turn:
                show(event)
        except KeyboardInterrupt:
            raise typer.Exit(130) from None
    return turn.wait()


def run_request(
    request: str = typer.Argument(..., help="The design request, in plain language."),
    workspace: Path | None = typer.Option(
        None, "--workspace", "-w", help="Work in this directory (default: the session's own)."
    ),
    model: str | None = typer.Option(
        None, "--model", help="Model spec (default: the configured one, else local)."
    ),
    as_json: bool = typer.Option(
        False, "--json", help="Print the outcome (checks, files) as JSON on stdout."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress on stderr."),
    budget_usd: float | None = typer.Option(None, "--budget-usd", min=0, help="Stop past this cost."),
    budget_tokens: int | None = typer.Option(None, "--budget-tokens", min=1, help="Stop past these tokens."),
    budget_wall: float | None = typer.Option(None, "--budget-wall", min=1, help="Stop past these seconds."),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not reuse cached model replies."),
    protocol: Literal["native", "text"] | None = typer.Option(None, "--protocol", help="Tool protocol."),
    agent_model: list[str] = typer.Option(
        [], "--agent-model", help="A sub-agent's own model, AGENT=SPEC (repeatable), e.g. rtl=openai:gpt-4o."
    ),
) -> None:
    """Run one design request as a new session; exit 0 only if its checks passed (the request was met)."""
    from chipsmith.agents.orchestrator import OrchestratorOptions
    from chipsmith.agents.session import SessionError, SessionManager
    from chipsmith.config import load_settings
    from chipsmith.llm import Budget, LLMError

    if workspace is not None and workspace.exists() and not workspace.is_dir():
        fail(f"--workspace {workspace} is not a directory")
    settings = load_settings(model=model)
    budget = Budget(max_usd=budget_usd, max_tokens=budget_tokens, max_wall_s=budget_wall)
    models = _agent_models(agent_model)
    options = OrchestratorOptions(cache=not no_cache, protocol=protocol, agent_models=models)
    manager = SessionManager(settings=settings)
    try:
        session = manager.create(
            model=model, workspace=workspace, budget=budget if not budget.unlimited else None,
            title=request, agent_models=models, options=options,
        )  # fmt: skip
    except (LLMError, SessionError) as exc:
        fail(str(exc))
    try:
        turn = session.send(request)  # opens the model: a missing key or server fails here
    except (LLMError, SessionError) as exc:
        manager.discard(session)
        fail(str(exc))
    try:
        sys.stderr.write(f"session {session.id} ({session.info.model}); workspace {session.workspace.root}\n")
        outcome = _drain(turn, _printer(quiet or as_json))
    except (LLMError, SessionError) as exc:
        fail(str(exc))
    finally:
        session.close()
    if outcome is None:
        fail("the turn ended without an outcome")
    if as_json:
        print_json(outcome)
    else:
        _print_outcome(outcome)
    raise typer.Exit(0 if outcome.met else EXIT_NOT_MET)


def _agent_models(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items:
        agent, sep, spec = item.partition("=")
        if not sep or not agent.strip() or not spec.strip():
            fail(f"--agent-model {item!r}: write AGENT=SPEC")
        out[agent.strip()] = spec.strip()
    return out


def _print_outcome(outcome: Any) -> None:
    if outcome.notice:
        typer.echo(f"model: {outcome.model}")
    if outcome.answer.strip():
        typer.echo("\n" + outcome.answer.strip())
    typer.echo("\n" + outcome.report)
    typer.echo(f"session: {outcome.session} (chipsmith sessions show {outcome.session})")


def register(app: typer.Typer) -> None:
    app.command("run")(run_request)
