"""CLI commands: ``chipsmith kernel check`` and ``chipsmith kernel list-backends``.

Imports only typer/rich here; torch and the harness load inside the commands.
"""

from __future__ import annotations

from pathlib import Path

import typer

from chipsmith.commands._common import fail, print_json

kernel_app = typer.Typer(
    help="Check kernel files (triton, cpp, cuda, torch) against a task's reference.", no_args_is_help=True
)


@kernel_app.command("check")
def check(
    file: Path = typer.Argument(..., help="The kernel file (defines class ModelNew)."),
    task: str = typer.Option(..., "--task", help="Task id in the suite."),
    suite: str = typer.Option(
        "chipsmith-kernels", "--suite", help="Suite: chipsmith-kernels, kernelbench:PATH, ..."
    ),
    backend: str = typer.Option(..., "--backend", help="Kernel backend: triton, cpp, cuda, torch."),
    as_json: bool = typer.Option(False, "--json", help="Print the EvalResult as JSON."),
    timed: bool = typer.Option(
        False, "--time", help="Also time it against eager PyTorch (not in the Triton interpreter)."
    ),
) -> None:
    """Check FILE on TASK: compile, anti-cheat, correctness over shapes x seeds x distributions.
    A failure names the mechanism that caught it ("caught by: ...")."""
    from chipsmith.benchmarks.adapters._common import SuiteError
    from chipsmith.benchmarks.kernel_eval import evaluate
    from chipsmith.benchmarks.suites_api import load_suite
    from chipsmith.benchmarks.task import Candidate
    from chipsmith.registry import KERNEL_BACKENDS

    if backend not in KERNEL_BACKENDS.names():
        fail(f"unknown kernel backend {backend!r}; known: {', '.join(KERNEL_BACKENDS.names())}")
    try:
        source = file.read_text()
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"cannot read {file}: {exc}")
    try:
        tasks = {t.id: t for t in load_suite(suite)}
    except SuiteError as exc:
        fail(str(exc))
    if task not in tasks:
        known = ", ".join(sorted(tasks)[:20]) or "none"
        fail(f"no task {task!r} in suite {suite}; known: {known}")
    result = evaluate(
        tasks[task], Candidate(task_id=task, files={"candidate.py": source}, backend=backend), time=timed
    )
    if as_json:
        print_json(result)
    else:
        _print_result(result)
    raise typer.Exit(0 if result.verdict == "pass" else 1)


def _print_result(result) -> None:  # type: ignore[no-untyped-def]
    from rich.console import Console

    con = Console()
    colour = {"pass": "green", "fail": "red"}.get(result.verdict, "yellow")
    from rich.markup import escape

    con.print(
        f"[{colour}]{result.verdict}[/] ({result.failure_class}) {escape(result.message)}", highlight=False
    )
    m = result.metrics
    if m.get("caught_by"):
        from chipsmith.tools.kernels.findings import MECHANISMS

        how = MECHANISMS.get(m["caught_by"], m["caught_by"])
        also = [MECHANISMS.get(x, x) for x in m.get("caught_by_all", []) if x != m["caught_by"]]
        con.print(f"caught by: {how}", highlight=False, markup=False)
        if also:
            con.print(f"also caught by: {'; '.join(also)}", highlight=False, markup=False)
    if m.get("candidate_ms") is not None:
        sp = m.get("speedup")
        con.print(
            f"candidate {m['candidate_ms']:.4f} ms, baseline {m.get('baseline_ms') or 0:.4f} ms, speedup {sp if sp is None else f'{sp:.2f}x'}"
        )
    for f in m.get("findings", [])[:10]:
        where = f" (line {f['line']})" if f.get("line") else ""
        layer = f" <{f['mechanism']}>" if f.get("mechanism") else ""
        con.print(f"  finding [{f['check']}]{layer} {escape(f['message'])}{where}", highlight=False)
    for flag in m.get("flags", []):
        con.print(f"  flag: {flag}", highlight=False, markup=False)
    for k in m.get("ptxas", []):
        con.print(
            f"  ptxas {k['name']}: {k['registers']} registers, {k['smem_bytes']} B smem, {k['spill_stores']} B spill stores"
        )


@kernel_app.command("list-backends")
def list_backends(as_json: bool = typer.Option(False, "--json", help="Print as JSON.")) -> None:
    """The registered kernel backends and whether this machine can run them."""
    from chipsmith.registry import KERNEL_BACKENDS
    from chipsmith.tools.kernels.backends import get_backend

    rows = []
    for name in KERNEL_BACKENDS.names():
        b = get_backend(name)
        why = b.can_run()
        rows.append(
            {
                "name": name,
                "device": b.device(),
                "runs_here": why is None,
                "timing": b.timing_meaningful(),
                "note": why or "",
            }
        )
    if as_json:
        print_json(rows)
        return
    for r in rows:
        typer.echo(
            f"{r['name']:8s} device={r['device']:5s} runs_here={str(r['runs_here']).lower():5s} timed={str(r['timing']).lower():5s} {r['note']}"
        )


@kernel_app.command("roofline")
def roofline_cmd(
    device: str = typer.Option("cpu", "--device", help="cpu, or cuda on a GPU machine."),
    refresh: bool = typer.Option(False, "--refresh", help="Measure again instead of using the cache."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """This machine's roofline peaks (STREAM triad bandwidth, float32 GEMM rate): measured once,
    then cached with the machine's identity."""
    from chipsmith.tools.kernels.roofline import RooflineError, describe, machine_peaks

    if device not in ("cpu", "cuda"):
        fail(f"--device {device!r}: cpu or cuda")
    if device == "cuda":
        from chipsmith.tools.kernels.base import gpu_present

        if not gpu_present():
            fail("no NVIDIA GPU here: use --device cpu")
    try:
        peaks = machine_peaks(device, refresh=refresh)  # type: ignore[arg-type]
    except RooflineError as exc:
        fail(str(exc))
    if as_json:
        print_json({**peaks.model_dump(), "key": peaks.machine.key(), "ridge": peaks.ridge})
        return
    for line in describe(peaks):
        typer.echo(line)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
    app.add_typer(kernel_app, name="kernel")
