"""Module headers of Verilog/SystemVerilog text, read with a real front end (pyslang), and the checks
an agent needs: does a candidate define the module the interface asks for, with the same ports?

Pure functions over strings; pyslang (the ``llm`` extra) is imported inside them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

Direction = Literal["input", "output", "inout"]
_DIRECTIONS: dict[str, Direction] = {"In": "input", "Out": "output", "InOut": "inout"}


class Port(BaseModel):
    name: str
    direction: Direction | None = None
    """None when the text does not say (a non-ANSI header without its declarations)."""
    width: int | None = None


class ModuleHeader(BaseModel):
    name: str
    ports: list[Port] | None = None
    """None when unknown (a module that another module instantiates is not elaborated on its own)."""


class Parsed(BaseModel):
    modules: list[ModuleHeader]
    syntax_errors: list[str]
    """Parse errors (one line each); elaboration errors are the linters' business."""


def parse_modules(src: str) -> Parsed:
    """Every module ``src`` defines, with ports for the ones nothing else instantiates."""
    import pyslang

    tree = pyslang.syntax.SyntaxTree.fromText(src)
    comp = pyslang.ast.Compilation()
    comp.addSyntaxTree(tree)
    tops: dict[str, list[Port]] = {}
    for inst in comp.getRoot().topInstances:
        tops[inst.name] = [_port(p) for p in inst.body.portList]
    undeclared = {
        str(d.args[0])
        for d in comp.getAllDiagnostics()
        if "MissingPortIODeclaration" in str(d.code) and d.args
    }
    names = [
        d.name for d in comp.getDefinitions() if str(getattr(d, "definitionKind", "")).endswith("Module")
    ]
    modules = [ModuleHeader(name=n, ports=_clean(tops.get(n), undeclared)) for n in names]
    errors = [_diag_line(d) for d in tree.diagnostics if d.isError()]
    return Parsed(modules=modules, syntax_errors=errors[:5])


def _port(p: object) -> Port:
    direction = _DIRECTIONS.get(str(getattr(p, "direction", "")).rsplit(".", 1)[-1])
    width = getattr(getattr(p, "type", None), "bitWidth", None)
    return Port(name=str(getattr(p, "name", "")), direction=direction, width=width or None)


def _clean(ports: list[Port] | None, undeclared: set[str]) -> list[Port] | None:
    """Ports whose direction the text never declared get no direction or width (slang guesses inout)."""
    if ports is None:
        return None
    return [Port(name=p.name) if p.name in undeclared or p.width is None else p for p in ports]


def _diag_line(diag: object) -> str:
    return str(getattr(diag, "code", "syntax error")).replace("DiagCode(", "").rstrip(")")


def interface_header(interface: str) -> ModuleHeader | None:
    """The module an interface line (``module m(input a, ...);``) declares, or None if it has none."""
    text = interface if "endmodule" in interface else interface.rstrip() + "\nendmodule\n"
    parsed = parse_modules(text)
    return parsed.modules[0] if parsed.modules else None


def port_problems(expected: ModuleHeader, got: ModuleHeader) -> list[str]:
    """Pure: what differs between the interface's ports and a candidate's (empty when they match)."""
    if expected.ports is None or got.ports is None:
        return []
    want = {p.name: p for p in expected.ports}
    have = {p.name: p for p in got.ports}
    problems = []
    if missing := [n for n in want if n not in have]:
        problems.append(f"missing port(s): {', '.join(missing)}")
    if extra := [n for n in have if n not in want]:
        problems.append(f"port(s) the interface does not have: {', '.join(extra)}")
    for name in (n for n in want if n in have):
        w, h = want[name], have[name]
        if w.direction and h.direction and w.direction != h.direction:
            problems.append(f"port {name} is an {h.direction}; the interface makes it an {w.direction}")
        elif w.width and h.width and w.width != h.width:
            problems.append(f"port {name} is {h.width} bit(s) wide; the interface says {w.width}")
    return problems


def interface_problems(src: str, expected: ModuleHeader) -> list[str]:
    """What a model must fix so that ``src`` matches the interface: the module's name, then its ports."""
    parsed = parse_modules(src)
    found = {m.name: m for m in parsed.modules}
    if expected.name not in found:
        names = ", ".join(found) or "none"
        why = (
            f" (the parser also reported: {', '.join(parsed.syntax_errors)})" if parsed.syntax_errors else ""
        )
        return [f"the code defines no module named {expected.name} (modules found: {names}){why}"]
    return port_problems(expected, found[expected.name])
