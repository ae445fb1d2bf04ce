"""CLI commands: `chipsmith sandbox status|build|run|clean`. Heavy imports happen inside the commands."""

from __future__ import annotations

from pathlib import Path

import typer

from chipsmith.commands._common import fail, print_json

sandbox_app = typer.Typer(
    help="Sandboxes that run tools and generated code: status, image build, smoke runs."
)


@sandbox_app.command("status")
def status(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Report the local sandbox's containment and the Docker daemon and image."""
    from chipsmith.sandbox._docker_client import docker_status
    from chipsmith.sandbox.local import LocalSandbox

    report = {"local": LocalSandbox().containment(), "docker": docker_status()}
    if as_json:
        print_json(report)
        return
    for key, value in report["local"].items():
        typer.echo(f"local  {key:<20} {'yes' if value else 'no'}")
    d = report["docker"]
    typer.echo(f"docker daemon               {'up ' + str(d['server_version']) if d['daemon'] else 'down'}")
    typer.echo(f"docker image                {d['image']} ({'present' if d['image_present'] else 'missing'})")
    if d["detail"]:
        typer.echo(f"docker note                 {d['detail']}")


@sandbox_app.command("build")
def build(
    offline: bool = typer.Option(False, "--offline", help="debootstrap + docker import: no registry needed."),
    force: bool = typer.Option(False, "--force", help="Rebuild even if the image exists."),
    mirror: str = typer.Option(None, "--mirror", help="Debian mirror (default: the one apt uses)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Build the sandbox image for the current recipe (does nothing when it exists)."""
    from chipsmith.sandbox.base import SandboxError
    from chipsmith.sandbox.image.builder import BuildError, build_image

    say = (lambda _m: None) if as_json else (lambda m: typer.echo(m, err=True))
    try:
        result = build_image(offline=offline, force=force, mirror=mirror, say=say)
    except (BuildError, SandboxError) as exc:
        fail(str(exc))
    if as_json:
        print_json(result)
    elif result.built:
        typer.echo(f"built {result.image} ({result.method}, {result.seconds:.0f} s)")
    else:
        typer.echo(f"{result.image} already exists")


@sandbox_app.command("run", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def run(
    ctx: typer.Context,
    sandbox: str = typer.Option(None, "--sandbox", help="Backend name (default: configured)."),
    files: list[Path] = typer.Option([], "--file", "-f", help="Copy this file into the work dir (by name)."),
    want: list[str] = typer.Option([], "--want", help="Return this file from the work dir (printed size)."),
    timeout_s: float = typer.Option(None, "--timeout", help="Wall-clock limit in seconds."),
    as_json: bool = typer.Option(False, "--json", help="Print the ExecResult as JSON."),
) -> None:
    """Run a command in a sandbox, e.g. `chipsmith sandbox run --sandbox docker -- iverilog -V`."""
    from chipsmith.config import load_settings
    from chipsmith.registry import UnknownNameError
    from chipsmith.sandbox import SandboxError, get_sandbox

    if not ctx.args:
        fail("no command given: chipsmith sandbox run [OPTIONS] -- CMD [ARGS...]")
    settings = load_settings(sandbox=sandbox, timeout_s=timeout_s)
    try:
        inputs = {p.name: p.read_bytes() for p in files}
    except OSError as exc:
        fail(f"cannot read input file: {exc}")
    try:
        box = get_sandbox(settings.sandbox)
        result = box.run(list(ctx.args), inputs, timeout_s=settings.timeout_s, want=want)
        box.close()
    except (SandboxError, UnknownNameError) as exc:
        fail(str(exc))
    if as_json:
        print_json(
            result.model_dump(exclude={"files"}) | {"files": {k: len(v) for k, v in result.files.items()}}
        )
    else:
        typer.echo(result.stdout, nl=False)
        typer.echo(result.stderr, nl=False, err=True)
        for name, why in result.refused.items():
            typer.echo(f"not returned: {name}: {why}", err=True)
    if result.timed_out:
        fail(f"timed out after {settings.timeout_s:g} s", code=124)
    raise typer.Exit(result.exit_code if 0 <= result.exit_code < 256 else 1)


@sandbox_app.command("clean")
def clean(
    everything: bool = typer.Option(
        False, "--all", help="Also containers of chipsmith processes still running."
    ),
) -> None:
    """Remove leftovers of killed runs: containers labelled chipsmith=1, empty per-run cgroups and
    the run directories of local sandbox workers whose process is gone."""
    from chipsmith.sandbox._cgroup import remove_stale
    from chipsmith.sandbox._docker_client import connect, stale_containers
    from chipsmith.sandbox._docker_pool import remove_container
    from chipsmith.sandbox._warm import remove_stale_slots
    from chipsmith.sandbox.base import SandboxError

    typer.echo(f"removed {remove_stale()} stale cgroup(s)")
    typer.echo(f"removed {remove_stale_slots()} stale local worker dir(s)")
    try:
        client = connect()
    except SandboxError as exc:
        typer.echo(f"containers: skipped ({exc})")
        return
    found = stale_containers(client, include_live=everything)
    for container in found:
        remove_container(container)
    typer.echo(f"removed {len(found)} container(s)")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.add_typer(sandbox_app, name="sandbox")
