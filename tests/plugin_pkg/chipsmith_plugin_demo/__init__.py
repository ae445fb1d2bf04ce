"""An example chipsmith plugin: one tool an agent can call and one prompt template.

chipsmith calls ``register()`` the first time it looks up a name it does not know (the
``chipsmith.plugins`` entry point in pyproject.toml points here).
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel


class ModuleSummary(BaseModel):
    """Modules and line counts per file."""

    files: dict[str, list[str]]
    """File name -> the modules it defines, in order."""
    lines: int


def module_summary(sources: dict[str, bytes], include_empty: bool = False) -> ModuleSummary:
    """List the Verilog modules each file defines, and count the lines.

    Args:
        sources: The Verilog files to scan.
        include_empty: Also list files that define no module.
    """
    from chipsmith.tools.hdl import decode_sources, find_modules

    text = decode_sources(sources)
    found = {name: find_modules(src) for name, src in text.items()}
    files = {name: mods for name, mods in found.items() if mods or include_empty}
    return ModuleSummary(files=files, lines=sum(len(src.splitlines()) for src in text.values()))


def register() -> None:
    """Add the tool to chipsmith's TOOLS registry and the prompt directory to the prompt search path."""
    from chipsmith.prompts import add_prompt_dir
    from chipsmith.registry import TOOLS

    TOOLS.add("module_summary", module_summary)
    add_prompt_dir(Path(__file__).parent, origin="plugin:demo")  # review_checklist.j2 lies here
