"""`chipsmith doctor`: which external tools are here."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command()
    def doctor(json: bool = typer.Option(False, "--json", help="Print JSON for scripts.")) -> None:
        """List every external tool chipsmith uses, its version, or what its absence disables."""
        from chipsmith.commands._common import print_json
        from chipsmith.doctor import run_checks

        statuses = run_checks()
        if json:
            print_json([s.model_dump() for s in statuses])
            return
        from rich.console import Console
        from rich.table import Table

        table = Table("tool", "status", "version / why missing")
        for s in statuses:
            mark = "[green]ok[/]" if s.found else "[yellow]missing[/]"
            table.add_row(s.name, mark, s.version or f"{s.detail}; disables {s.disables}")
        Console().print(table)
