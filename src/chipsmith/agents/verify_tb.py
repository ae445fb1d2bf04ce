"""The verification agent's testbench conventions, and the checks that need no simulator. Pure.

A testbench written by the agent is one file holding:

- ``module tb`` (no ports): drives the inputs, instantiates the design under test as
  ``<top> dut(...)`` with every port connected by name, compares every output with ``!==`` against
  the behavioural model, counts ``mismatches`` and ``samples``, prints exactly one
  ``Mismatches: N in M samples`` line and calls ``$finish``; a watchdog prints ``TIMEOUT``;
- ``module <top>_model``: the behavioural model, with exactly the ports of ``<top>``. Renamed to
  ``<top>`` it is a design that must pass the testbench, which gives the agent a design to
  mutate (and so a mutation score) before any candidate exists.

``extract_testbench`` salvages that file from a model's reply; ``static_problems`` lists what is
wrong with it, in words a model can act on. Whether it compiles, terminates and rejects a design
that drives nothing is decided by running it (``verify_run``), not here.
"""

from __future__ import annotations

import re
from typing import Any

from chipsmith.agents.rtl_reply import ReplyCode, reply_code
from chipsmith.llm.textproto import extract_code_blocks
from chipsmith.tools.hdl import find_modules, strip_comments_and_strings

TB_TOP = "tb"
TB_FILE = "tb.sv"
_VERDICT_PRINT = re.compile(
    r"\$(?:display|write|strobe)[a-z]*\s*\(\s*\"Mismatches:\s*%0?d\s+in\s+%0?d\s+samples", re.I
)
_FINISH = re.compile(r"\$finish\b")
_DUMP = re.compile(r"\$dump(?:file|vars)\b")
# Port problems the front end reports that iverilog would report less clearly; other semantic
# errors are left to iverilog, the simulator the testbench must satisfy.
_PORT_CODES = (
    "PortDoesNotExist",
    "TooManyPortConnections",
    "DuplicatePortConnection",
    "MixingOrderedAndNamed",
)


def model_module(top: str) -> str:
    """Pure: the name of the behavioural model module of design ``top``."""
    return f"{top}_model"


def module_span(src: str, name: str) -> tuple[int, int] | None:
    """Pure: (start, end) of ``module name ... endmodule`` in ``src`` (comments and strings ignored)."""
    code = strip_comments_and_strings(src)  # same length: offsets hold in ``src``
    head = re.search(rf"\b(?:macro)?module\s+{re.escape(name)}\b", code)
    if head is None:
        return None
    end = re.compile(rf"\bendmodule\b(?:\s*:\s*{re.escape(name)}\b)?").search(code, head.end())
    return None if end is None else (head.start(), end.end())


def without_module(src: str, name: str) -> str:
    """Pure: ``src`` with the definition of module ``name`` removed (unchanged if it has none)."""
    span = module_span(src, name)
    return src if span is None else src[: span[0]] + src[span[1] :]


def model_design(tb_src: str, top: str) -> str | None:
    """Pure: the testbench's behavioural model renamed to ``top`` (a design), or None if it has none."""
    name = model_module(top)
    span = module_span(tb_src, name)
    if span is None:
        return None
    text = tb_src[span[0] : span[1]]
    text = re.sub(rf"\b((?:macro)?module\s+){re.escape(name)}\b", rf"\g<1>{top}", text, count=1)
    text = re.sub(rf"(\bendmodule\s*:\s*){re.escape(name)}\b", rf"\g<1>{top}", text)
    return text + "\n"


def extract_testbench(text: str, top: str, tb_top: str = TB_TOP) -> ReplyCode:
    """The testbench in a reply: the block defining ``tb_top``, plus the model module from another
    block when the model put it there. A definition of the design ``top`` itself is dropped (the
    design comes from its own file). Otherwise the problem, for the model."""
    got = reply_code(text, tb_top)
    if got.code is None:
        return got
    code = got.code
    model = model_module(top)
    if model not in find_modules(code):
        for block in reversed(extract_code_blocks(text)):
            if block.closed and (span := module_span(block.code, model)) is not None:
                code = code.rstrip() + "\n\n" + block.code[span[0] : span[1]] + "\n"
                break
    return ReplyCode(code=without_module(code, top), source=got.source)


def text_problems(tb_src: str, top: str, tb_top: str = TB_TOP) -> list[str]:
    """Pure: convention problems visible in the text (modules, verdict line, $finish, dumps)."""
    code = strip_comments_and_strings(tb_src)
    modules = find_modules(tb_src)
    problems = []
    if tb_top not in modules:
        problems.append(f"the code defines no module `{tb_top}` (found: {', '.join(modules) or 'none'})")
    if model_module(top) not in modules:
        problems.append(
            f"define the behavioural model as a separate `module {model_module(top)}` with exactly the "
            f"ports of `{top}`, instantiate it in `{tb_top}` and compare the design's outputs with its outputs"
        )
    if not _VERDICT_PRINT.search(tb_src):
        problems.append(
            'the testbench never prints the verdict line: end with $display("Mismatches: %0d in %0d '
            'samples", mismatches, samples);'
        )
    if not _FINISH.search(code):
        problems.append("the testbench never calls $finish: call it right after the verdict line")
    if _DUMP.search(code):
        problems.append("remove $dumpfile/$dumpvars: chipsmith records the waveform itself")
    return problems


def static_problems(tb_src: str, interface: str, top: str, tb_top: str = TB_TOP) -> list[str]:
    """What is wrong with a testbench before it runs: conventions, then how it instantiates the
    design (front end: pyslang, from the ``llm`` extra) and the model's ports."""
    problems = text_problems(tb_src, top, tb_top)
    problems += instance_problems(tb_src, interface, top, tb_top)
    model = model_design(tb_src, top)
    if model is not None:
        problems += model_port_problems(model, interface, top)
    return problems


def instance_problems(tb_src: str, interface: str, top: str, tb_top: str = TB_TOP) -> list[str]:
    """How ``tb_top`` instantiates ``top`` (every port connected, no unknown port); [] when the
    testbench has syntax errors (iverilog reports those when it runs)."""
    import pyslang

    sm = pyslang.SourceManager()
    tree = pyslang.syntax.SyntaxTree.fromText(tb_src, sm, TB_FILE)
    if any(d.isError() for d in tree.diagnostics):
        return []
    stub = interface if "endmodule" in interface else interface.rstrip() + "\nendmodule\n"
    comp = pyslang.ast.Compilation()
    comp.addSyntaxTree(tree)
    comp.addSyntaxTree(pyslang.syntax.SyntaxTree.fromText(stub, sm, "design.v"))
    instances: list[object] = []
    for root in comp.getRoot().topInstances:
        if root.name == tb_top:
            root.body.visit(lambda s: instances.append(s) if _is_instance_of(s, top) else None)
    if not instances:
        return [
            f"module `{tb_top}` never instantiates the design `{top}` (instantiate it as `{top} dut(...)`)"
        ]
    out = [_one_line(sm, d) for d in comp.getAllDiagnostics() if d.isError() and _is_port_diag(d)]
    for inst in instances:
        open_ports = [c.port.name for c in inst.portConnections if c.expression is None]  # type: ignore[attr-defined]
        if open_ports:
            out.append(f"instance {inst.name} leaves port(s) of `{top}` unconnected: {', '.join(open_ports)}")  # type: ignore[attr-defined]
    return out[:6]


def _is_instance_of(symbol: object, top: str) -> bool:
    import pyslang

    if getattr(symbol, "kind", None) != pyslang.ast.SymbolKind.Instance:
        return False
    return getattr(getattr(symbol, "definition", None), "name", None) == top


def _is_port_diag(diag: object) -> bool:
    return any(code in str(getattr(diag, "code", "")) for code in _PORT_CODES)


def _one_line(sm: Any, diag: Any) -> str:
    import pyslang

    text = pyslang.DiagnosticEngine.reportAll(sm, [diag]).strip()
    return (text.splitlines() or ["port error"])[0][:300]


def model_port_problems(model_src: str, interface: str, top: str) -> list[str]:
    """The model module's ports against the interface's (``model_src`` renamed to ``top``)."""
    from chipsmith.agents.hdl_ports import interface_header, interface_problems

    expected = interface_header(interface)
    if expected is None:
        return []
    problems = interface_problems(model_src, expected)
    return [f"module {model_module(top)}: {p}" for p in problems]
