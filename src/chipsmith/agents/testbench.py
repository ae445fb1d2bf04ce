"""Where the RTL agent's testbench comes from: the verification agent, or a labelled smoke fallback.

The interface between the RTL agent and a testbench writer::

    tb = make_testbench(TestbenchRequest(...), workspace, source="auto", context=TestbenchContext(...))
    tb.path, tb.top, tb.label, tb.checks_spec

A testbench writer is an ``AGENTS`` entry (the verification agent registers as ``verify``) whose
instances have ``make_testbench(request, workspace, context) -> Testbench``: it writes a
self-checking testbench into the workspace (ending with ``Mismatches: N in M samples``) and says
where. ``source="auto"`` uses the ``verify`` agent when one is registered and a model is given,
else the smoke testbench; a writer that fails falls back to smoke, with the reason in ``notes``.

The smoke testbench is built from the port list alone: it drives the inputs with random values
(reset held for the first cycles), and counts a mismatch whenever an output is X or Z after reset.
It proves that the design compiles, runs and drives its outputs, and nothing about the spec; every
output that mentions it says so.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from chipsmith.agents.hdl_ports import ModuleHeader, Port

log = logging.getLogger(__name__)

SMOKE_TOP = "chipsmith_smoke_tb"
SMOKE_PATH = "tb/smoke_tb.sv"
SMOKE_LABEL = (
    "smoke testbench generated from the port list: it checks only that the design compiles, runs and "
    "drives every output (no X/Z) after reset; it knows nothing of the spec, so passing it does not "
    "mean the design is correct"
)
_CLOCK = re.compile(r"^(clk|clock|i_clk|clk_i|aclk|sys_clk|clk_in)$", re.I)
_RESET = re.compile(r"^(n?rst|n?reset|rst_?n|reset_?n|resetn|areset(_?n)?|arst(_?n)?|rst_i|i_rst)$", re.I)


class TestbenchRequest(BaseModel):
    """What a testbench writer may know: the public view of the task, never a hidden file."""

    task_id: str = ""
    spec: str
    interface: str
    top: str
    language: str = "verilog"


class Testbench(BaseModel):
    """A testbench in the workspace, and what it can tell."""

    path: str
    """Workspace-relative path of the testbench file."""
    top: str
    """The testbench's top module."""
    source: str
    """Who wrote it: ``smoke``, ``verify``, or another writer's name."""
    label: str
    """One line shown to the model and recorded: what passing this testbench means."""
    checks_spec: bool
    """False for the smoke testbench (it checks no behaviour from the spec)."""
    data_files: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


class TestbenchContext(BaseModel):
    """What a model-driven writer gets besides the request: the model, the tools, an observer."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    handle: Any = None
    toolkit: Any = None
    settings: Any = None
    observer: Any = None
    options: dict[str, Any] = Field(default_factory=dict)


def _decl(port: Port) -> str:
    return f"[{port.width - 1}:0] " if port.width and port.width > 1 else ""


def _active_low(name: str) -> bool:
    low = name.lower()
    return (
        low.endswith("n")
        and (low.endswith("_n") or low.endswith("resetn") or low.endswith("rstn"))
        or low.startswith("n")
    )


def smoke_testbench(header: ModuleHeader, *, cycles: int = 200) -> str:
    """Pure: the smoke testbench source for ``header`` (see the module docstring)."""
    import jinja2

    ports = header.ports or []
    clock = next((p.name for p in ports if p.direction == "input" and _CLOCK.match(p.name)), None)
    inputs = []
    for p in ports:
        if p.direction != "input" or p.name == clock:
            continue
        reset = bool(_RESET.match(p.name))
        low = reset and _active_low(p.name)
        inputs.append(
            {"name": p.name, "decl": _decl(p), "reset": reset,
             "reset_value": "1'b0" if low or not reset else "1'b1", "idle_value": "1'b1" if low else "1'b0"}
        )  # fmt: skip
    others = [{"name": p.name, "decl": _decl(p)} for p in ports if p.direction != "input"]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(Path(__file__).parent / "templates")),
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
    )  # fmt: skip
    return env.get_template("smoke_tb.sv.j2").render(
        top=header.name, tb_top=SMOKE_TOP, clock=clock or "chipsmith_clk", inputs=inputs, others=others,
        connections=[p.name for p in ports], outputs=[p.name for p in ports if p.direction == "output"],
        cycles=cycles, timeout_ns=cycles * 10 + 1000,
    )  # fmt: skip


def write_smoke(header: ModuleHeader, workspace: Any, notes: list[str] | None = None) -> Testbench:
    workspace.write(SMOKE_PATH, smoke_testbench(header))
    return Testbench(
        path=SMOKE_PATH,
        top=SMOKE_TOP,
        source="smoke",
        label=SMOKE_LABEL,
        checks_spec=False,
        notes=notes or [],
    )


def writer_for(source: str, handle: Any) -> Any | None:
    """The AGENTS entry that writes testbenches for ``source`` (None: use the smoke testbench)."""
    from chipsmith.registry import AGENTS

    if source == "smoke":
        return None
    name = "verify" if source == "auto" else source
    if source == "auto" and (handle is None or name not in AGENTS.names()):
        return None
    factory = AGENTS.get(name)  # an unknown explicit source is the user's error: say so
    return factory if hasattr(factory, "make_testbench") else None


def make_testbench(
    request: TestbenchRequest,
    workspace: Any,
    *,
    source: str = "auto",
    header: ModuleHeader | None = None,
    context: TestbenchContext | None = None,
) -> Testbench:
    """A testbench for ``request`` in ``workspace``: from the writer ``source`` names, else smoke."""
    from chipsmith.agents.hdl_ports import interface_header

    context = context or TestbenchContext()
    header = header or interface_header(request.interface) or ModuleHeader(name=request.top, ports=[])
    factory = writer_for(source, context.handle)
    if factory is None:
        return write_smoke(header, workspace)
    source = "verify" if source == "auto" else source  # name the writer in notes, not the choice rule
    try:
        tb = factory(**context.options).make_testbench(request, workspace, context)
        if isinstance(tb, Testbench):
            return tb
        why = f"the {source} testbench writer returned {type(tb).__name__}, not a Testbench"
    except Exception as exc:  # a failing writer leaves the agent with the smoke check, and says so
        from chipsmith.llm.errors import BudgetExceeded

        if isinstance(exc, BudgetExceeded):
            raise
        why = f"the {source} testbench writer failed ({type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''})"
        log.warning(
            "%s; using the smoke testbench", why
        )  # one line: a model that writes no testbench is normal
        log.debug("testbench writer %s failed", source, exc_info=True)
    return write_smoke(header, workspace, notes=[why + "; using the smoke testbench"])
