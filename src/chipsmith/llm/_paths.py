"""Where the model layer keeps its files (kept free of heavy imports: the CLI reads it at once)."""

from __future__ import annotations

from pathlib import Path

from chipsmith.config import Settings

CACHE_FILE = "llm-cache.sqlite"


def cache_path(settings: Settings) -> Path:
    """The response cache of a project: ``<home>/llm-cache.sqlite``."""
    return (settings.home / CACHE_FILE).resolve()
