"""Pure: names made safe to put in a yosys script (shared by synthesis and equivalence)."""

from __future__ import annotations

import re

_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")


def module_name(name: str, error: type[Exception]) -> str:
    """``name`` if it is a plain Verilog identifier (yosys keeps quotes in ``-top "x"``), else ``error``."""
    if not _IDENT_RE.fullmatch(name):
        raise error(f"invalid top module name {name!r}: expected a plain Verilog identifier")
    return name


def quoted(name: str, error: type[Exception]) -> str:
    """A file or module name in double quotes; names that would break the script raise ``error``."""
    if any(c in name for c in '"\n\r') or name.startswith("-"):
        raise error(f"unsupported file name or module name {name!r}")
    return f'"{name}"'
