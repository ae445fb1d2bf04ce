"""CLI commands: llm status / ask / bench / serve / stop / clear-cache. LangChain loads inside commands."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import typer

from chipsmith.commands._common import fail, print_json

llm_app = typer.Typer(
    help="Models: which one is configured, ask it something, serve or stop the embedded one.",
    no_args_is_help=True,
)

BENCH_PROMPT = "Write a long story about a robot who learns to design chips."


def _cache_entries(path: Path) -> int | None:
    """Rows in the response cache, read without LangChain (None if there is no cache yet)."""
    import sqlite3

    if not path.exists():
        return None
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM replies").fetchone()[0])
    except sqlite3.Error:
        return None


def _open(model: str | None, *, no_cache: bool = False, **kwargs: Any) -> Any:
    from chipsmith.config import load_settings
    from chipsmith.llm.errors import LLMError
    from chipsmith.llm.handle import open_model

    try:
        return open_model(model, settings=load_settings(), cache=False if no_cache else None, **kwargs)
    except LLMError as exc:
        fail(str(exc))


def _invoke(runnable: Any, messages: list[Any]) -> Any:
    from chipsmith.llm.errors import LLMError

    try:
        return runnable.invoke(messages)
    except LLMError as exc:
        fail(str(exc))


@llm_app.command("status")
def status(as_json: bool = typer.Option(False, "--json", help="Print the status as JSON.")) -> None:
    """The configured model, its protocol and price, the response cache, and the embedded model."""
    from chipsmith.config import load_settings
    from chipsmith.llm import local_server as ls
    from chipsmith.llm._paths import cache_path
    from chipsmith.llm.errors import LLMError
    from chipsmith.llm.prices import DEFAULT_PRICES, price_for
    from chipsmith.llm.spec import parse_spec, resolve_protocol

    settings = load_settings()
    try:
        spec = parse_spec(settings.model, default_base_url=settings.openai_base_url)
    except LLMError as exc:
        fail(str(exc))
    price = price_for(spec, {**DEFAULT_PRICES, **settings.llm_prices})
    try:
        model_file, model_error = str(ls.model_file(settings)), None
    except LLMError as exc:
        model_file, model_error = None, str(exc)
    cache_file = cache_path(settings)
    info = {
        "model": spec.text,
        "real": spec.is_real,
        "protocol": resolve_protocol(spec, settings.llm_protocols),
        "price_per_mtok": price.model_dump() if price else None,
        "cache": {
            "enabled": settings.llm_cache,
            "path": str(cache_file),
            "entries": _cache_entries(cache_file),
        },
        "local": {
            "model_file": model_file,
            "model_error": model_error,
            "licence": ls.LICENCE,
            "notice": ls.NOTICE,
            "server_missing_modules": ls.missing_server_modules(),
            "servers": [
                {**s.model_dump(), "base_url": s.base_url, "leases": pids} for s, pids in ls.servers()
            ],
        },
    }
    if as_json:
        print_json(info)
        return
    _print_status(info)


def _print_status(info: dict[str, Any]) -> None:
    price = info["price_per_mtok"]
    if price is None:
        cost = "unknown price (cost shows as unknown)"
    elif price["input"] == price["output"] == 0:
        cost = "free"
    else:
        cost = f"${price['input']}/${price['output']} per 1M input/output tokens"
    typer.echo(f"model:     {info['model']}  ({info['protocol']} tool protocol; {cost})")
    if not info["real"]:
        typer.echo("           scripted replies from a file: not a real model")
    cache = info["cache"]
    entries = "no file yet" if cache["entries"] is None else f"{cache['entries']} replies"
    typer.echo(f"cache:     {'on' if cache['enabled'] else 'off'}, {cache['path']} ({entries})")
    local = info["local"]
    typer.echo(f"local:     {local['model_file'] or local['model_error']}")
    typer.echo(f"           licence {local['licence']}")
    typer.echo(f"           {local['notice']}")
    if local["server_missing_modules"]:
        typer.echo(f"           server not installed (missing {', '.join(local['server_missing_modules'])})")
    for s in local["servers"]:
        typer.echo(
            f"           running at {s['base_url']} (pid {s['supervisor_pid']}, leased by {s['leases']})"
        )
    if not local["servers"]:
        typer.echo("           not running (starts on demand)")


@llm_app.command("ask")
def ask(
    prompt: str = typer.Argument(..., help="What to ask."),
    model: str | None = typer.Option(
        None, "--model", "-m", help="Model spec; default: CHIPSMITH_MODEL or local."
    ),
    system: str | None = typer.Option(None, "--system", help="A system prompt."),
    max_tokens: int | None = typer.Option(None, "--max-tokens", min=1, help="Cap on the reply's tokens."),
    temperature: float = typer.Option(0.0, "--temperature", min=0.0, max=2.0),
    no_cache: bool = typer.Option(False, "--no-cache", help="Do not reuse or store cached replies."),
    as_json: bool = typer.Option(False, "--json", help="Print reply and usage as JSON."),
) -> None:
    """Ask a model one question; prints the reply and what it cost."""
    handle = _open(model, no_cache=no_cache, temperature=temperature, max_tokens=max_tokens, agent="ask")
    messages = ([("system", system)] if system else []) + [("user", prompt)]
    reply = _invoke(handle.model, messages)
    record = handle.ledger.records[-1]
    if as_json:
        print_json({"reply": str(reply.text), "model": handle.spec.text, "real": handle.is_real,
                    "notice": handle.notice, "usage": record.model_dump()})  # fmt: skip
        return
    typer.echo(str(reply.text))
    typer.echo("---")
    usage = handle.usage()
    cost = usage.cost_text() if not record.cached else "$0 (cached)"
    typer.echo(
        f"{handle.label}: {record.input_tokens} in / {record.output_tokens} out tokens, "
        f"{record.wall_s:.2f} s, {cost}{', from the cache' if record.cached else ''}"
    )


@llm_app.command("bench")
def bench(
    model: str | None = typer.Option(
        None, "--model", "-m", help="Model spec; default: CHIPSMITH_MODEL or local."
    ),
    runs: int = typer.Option(3, "--runs", min=1, max=50),
    max_tokens: int = typer.Option(200, "--max-tokens", min=8),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Generation speed: output tokens per second over a few uncached replies (median)."""
    import statistics

    handle = _open(model, no_cache=True, temperature=0.0, max_tokens=max_tokens, agent="bench")
    _invoke(handle.model, [("user", "Say hello.")])  # warm-up: model load, first connection
    rates = []
    for _ in range(runs):
        start = time.monotonic()
        _invoke(handle.model, [("user", BENCH_PROMPT)])
        rec = handle.ledger.records[-1]
        rates.append({"output_tokens": rec.output_tokens, "wall_s": time.monotonic() - start})
    tps = statistics.median(r["output_tokens"] / r["wall_s"] for r in rates)
    if as_json:
        print_json(
            {"model": handle.spec.text, "notice": handle.notice, "runs": rates, "median_tokens_per_s": tps}
        )
        return
    for r in rates:
        typer.echo(f"{r['output_tokens']} tokens in {r['wall_s']:.2f} s")
    typer.echo(f"{handle.label}: median {tps:.1f} output tokens/s (prompt included in the time)")


@llm_app.command("serve")
def serve() -> None:
    """Start (or reuse) the embedded model's server and keep it up until Ctrl-C."""
    from chipsmith.config import load_settings
    from chipsmith.llm import local_server as ls
    from chipsmith.llm.errors import LLMError

    try:
        info = ls.acquire(load_settings())
    except LLMError as exc:
        fail(str(exc))
    typer.echo(f"serving {Path(info.model).name} at {info.base_url} ({ls.NOTICE})")
    typer.echo(f"other tools: --model openai-compatible:local@{info.base_url}; Ctrl-C stops it")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        typer.echo("stopping (the server stays up while other chipsmith processes use it)")


@llm_app.command("stop")
def stop() -> None:
    """Stop every running embedded-model server, even if chipsmith processes still use it."""
    from chipsmith.llm import local_server as ls
    from chipsmith.llm.errors import LLMError

    try:
        stopped = ls.stop_all()
    except LLMError as exc:
        fail(str(exc))
    for info in stopped:
        typer.echo(f"stopped the server at {info.base_url}")
    if not stopped:
        typer.echo("no embedded-model server was running")


@llm_app.command("clear-cache")
def clear_cache() -> None:
    """Delete every reply in the response cache."""
    import sqlite3

    from chipsmith.config import load_settings
    from chipsmith.llm._paths import cache_path

    path = cache_path(load_settings())
    if _cache_entries(path) is None:
        typer.echo(f"no response cache at {path}")
        return
    with sqlite3.connect(path, timeout=30) as conn:
        n = conn.execute("DELETE FROM replies").rowcount
    typer.echo(f"deleted {n} cached replies from {path}")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.add_typer(llm_app, name="llm")
