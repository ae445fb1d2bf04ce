"""Run one recipe on one design through the sandbox: yosys with the recipe's script, then OpenSTA
(the same measurement as ``chipsmith synth``), and what the search needs from it."""

from __future__ import annotations

import hashlib
import re
import threading
import time
from pathlib import Path

from pydantic import BaseModel, Field

from chipsmith.sandbox.base import Limits, Sandbox
from chipsmith.tools import _synth_parse as yp
from chipsmith.tools.optimize.recipe import (
    FEATURES_BEGIN,
    FEATURES_END,
    Recipe,
    RecipeError,
    delay_ps,
    flow_script,
)
from chipsmith.tools.synthesize import LIB, NETLIST, SynthError, synthesize_script


class OptimizeError(RuntimeError):
    """The optimizer cannot run (bad design, top, library, budget); the message is one line."""


class Design(BaseModel):
    """The input: Verilog sources (relative name -> content) and the top module."""

    sources: dict[str, bytes]
    top: str

    def verilog(self) -> list[str]:
        return sorted(n for n in self.sources if n.endswith((".v", ".sv")))

    def digest(self) -> str:
        h = hashlib.sha256(self.top.encode())
        for name in sorted(self.sources):
            h.update(name.encode() + b"\0" + self.sources[name])
        return h.hexdigest()[:16]


class Library(BaseModel):
    """A merged, repaired liberty text and what the search needs to know about it."""

    text: str
    names: list[str]
    fixups: list[str]
    gain_delays: bool
    digest: str

    @property
    def label(self) -> str:
        return ", ".join(Path(n).name for n in self.names)


class Evaluation(BaseModel):
    """One recipe's measured result (or why it failed)."""

    index: int
    recipe: Recipe
    key: str
    ok: bool
    error: str | None = None
    area_um2: float | None = None
    delay_ps: float | None = None
    power_w: float | None = None
    cell_count: int = 0
    d_ps: float = 0.0
    clocks: list[str] = Field(default_factory=list)
    generic_cells: dict[str, int] = Field(default_factory=dict)
    logic_depth: int | None = None
    netlist: str | None = None
    wall_s: float = 0.0

    def metrics(self) -> tuple[float, float, float] | None:
        if not self.ok or self.area_um2 is None or self.delay_ps is None:
            return None
        return self.area_um2, self.delay_ps, self.power_w if self.power_w is not None else 0.0


_NAN_RE = re.compile(r"\bD\s*=\s*-?nan\b", re.I)
_probe_cache: dict[str, bool] = {}
_probe_lock = threading.Lock()


def parse_gain_probe(log: str) -> bool:
    """Pure: whether ABC's ``print_lib`` derived finite gain-based delays (``map`` needs them)."""
    return "Library" in log and not _NAN_RE.search(log)


def probe_gain_delays(text: str, digest: str, sandbox: Sandbox) -> bool:
    """Ask ABC once per library: the bundled 2x2-table library gives NaN delays, which makes
    ``map`` abort (an assertion in ABC), so the search leaves ``map`` and sizing out for it."""
    with _probe_lock:
        if digest in _probe_cache:
            return _probe_cache[digest]
    cmd = ["yosys-abc", "-c", f"read_lib -w {LIB}; print_lib"]
    res = sandbox.run(cmd, {LIB: text.encode()}, timeout_s=60, limits=Limits(cpu_s=60))
    found = res.ok and parse_gain_probe(res.stdout + res.stderr)
    with _probe_lock:
        _probe_cache[digest] = found
    return found


def prepare_library(paths: list[Path] | None, sandbox: Sandbox) -> Library:
    """Load, merge and repair the liberty files (default: the bundled library) and probe ABC."""
    from chipsmith.tools.liberty import LibertyError, load_liberties
    from chipsmith.tools.liberty._helpers import helper_cells, netlist_fixups

    try:
        text, names = load_liberties(paths)
    except LibertyError as exc:
        raise OptimizeError(str(exc)) from None
    digest = hashlib.sha256(text.encode()).hexdigest()[:16]
    fixups = netlist_fixups(helper_cells(text))
    return Library(
        text=text,
        names=names,
        fixups=fixups,
        gain_delays=probe_gain_delays(text, digest, sandbox),
        digest=digest,
    )


def evaluate(
    recipe: Recipe,
    design: Design,
    lib: Library,
    *,
    index: int,
    clock_period_ps: float,
    ref_delay_ps: float | None,
    sandbox: Sandbox,
    timeout_s: float,
) -> Evaluation:
    """Synthesize ``design`` with ``recipe`` and measure it; a failure is an Evaluation with ``error``."""
    start = time.monotonic()
    d = delay_ps(recipe, clock_period_ps=clock_period_ps, ref_delay_ps=ref_delay_ps)
    base = Evaluation(index=index, recipe=recipe, key=recipe.key(), ok=False, d_ps=d)
    try:
        script = flow_script(
            recipe,
            sources=design.verilog(),
            top=design.top,
            liberty=LIB,
            d_ps=d,
            fixups=lib.fixups,
            netlist=NETLIST,
        )
        res, netlist = synthesize_script(
            design.sources,
            script,
            lib_text=lib.text,
            lib_names=lib.names,
            clock_period_ps=clock_period_ps,
            sandbox=sandbox,
            timeout_s=timeout_s,
        )
    except (SynthError, RecipeError) as exc:
        return base.model_copy(update={"error": str(exc), "wall_s": round(time.monotonic() - start, 3)})
    generic = yp.parse_cells(yp.section(res.log, FEATURES_BEGIN, FEATURES_END))
    found = res.delay_ps is not None
    return base.model_copy(
        update={
            "ok": found,
            "error": None if found else "OpenSTA found no timing path",
            "area_um2": res.area_um2,
            "delay_ps": res.delay_ps,
            "power_w": res.power_w,
            "cell_count": res.cell_count,
            "clocks": res.clocks,
            "generic_cells": generic,
            "logic_depth": res.logic_depth,
            "netlist": netlist.decode(errors="replace"),
            "wall_s": round(time.monotonic() - start, 3),
        }
    )
