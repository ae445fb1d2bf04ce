"""CLI commands: synth, equiv (filled in by its issue). Import only typer/rich here; heavy modules inside commands."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this area's commands to the root app."""
