"""Pure: walk Verilator's XML of one design into ``SignalInfo`` records (see ``_design``).

For every assignment (``assign``, ``<=``, ``=``, a port connection) each target signal gets the
assignment's lines and the signals it reads (right-hand side, indices of the target, and the
conditions of the enclosing ``if``/``case``/loop), plus an ``Assignment`` record keeping those
conditions apart, so the ranking can tell at a given time which assignment was in effect.
Sub-modules are flattened (``u1.x``). A function call adds its body's lines and the module signals
it reads. Parameter uses, which Verilator folds into constants, are traced back to the parameter's
declaration line through the source text at the constant's location.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from chipsmith.tools.trace._design import Assignment, CondRefs, Guard, Line, RefTree, SignalInfo
from chipsmith.tools.trace._xmltree import XmlTree

ASSIGNS = {"assign", "assigndly", "assignw", "contassign", "assignforce", "assignalias"}
STATEMENTS = ASSIGNS | {
    "begin", "if", "case", "while", "display", "finish", "stop", "stmtexpr", "taskref", "fork",
    "delay", "eventcontrol", "wait", "return", "break", "continue", "jumpblock", "jumpgo",
    "jumplabel", "repeat", "foreach", "comment", "assert", "cover", "assertintrinsic", "sformat",
}  # fmt: skip
SELECTS = {"sel", "arraysel", "wordsel", "structsel", "memberselexpr", "assocsel", "wildcardsel"}
MAX_DEPTH = 16


class WalkError(ValueError):
    """The XML does not describe a design the walker can follow."""


@dataclass
class _Module:
    """Per-module context while walking: its element, variables, functions and parameters."""

    el: ET.Element
    vars: dict[str, ET.Element]
    funcs: dict[str, ET.Element]
    params: dict[str, set[Line]]
    """Parameter name -> the lines declaring it."""
    prefix: str


@dataclass(frozen=True)
class _Ctx:
    """What encloses a statement: the conditions' signals and lines, and the guards themselves."""

    refs: frozenset[str] = frozenset()
    lines: frozenset[Line] = frozenset()
    guards: tuple[Guard, ...] = ()
    clocked: bool = False

    def under(self, refs: set[str], lines: set[Line], guard: Guard | None) -> _Ctx:
        guards = (*self.guards, guard) if guard is not None else self.guards
        return _Ctx(self.refs | refs, self.lines | lines, guards, self.clocked)


class Walker(XmlTree):
    """Collects the signals of one design by walking module elements (recursing into instances)."""

    def __init__(self, root: ET.Element, texts: Mapping[str, str]) -> None:
        super().__init__(root, texts)
        self.signals: dict[str, SignalInfo] = {}
        self.clocks: list[tuple[str, str]] = []
        self.design_files: list[str] = []

    # -- expressions ---------------------------------------------------------------------------

    def module(self, name: str, prefix: str) -> _Module:
        el = self.modules.get(name)
        if el is None:
            raise WalkError(f"module {name!r} is not in the front end's output")
        every = {v.get("name", ""): v for v in el.findall("var")}
        params = {n: v for n, v in every.items() if v.get("param") == "true" or v.get("localparam") == "true"}
        funcs = {f.get("name", ""): f for f in el if f.tag in ("func", "task")}
        plines = {n: self.loc_lines(v.get("loc", "")) for n, v in params.items()}
        return _Module(el, {n: v for n, v in every.items() if n not in params}, funcs, plines, prefix)

    def refs(self, el: ET.Element, mod: _Module, depth: int = 0) -> tuple[RefTree, set[Line]]:
        """What expression ``el`` reads (conditional operators kept apart) and its lines."""
        if el.tag == "cond" and len(el) == 3:
            parts = [self.refs(k, mod, depth) for k in el]
            tree = RefTree(frozenset(), (CondRefs(el[0], parts[0][0], parts[1][0], parts[2][0]),))
            return tree, self.loc_lines(el.get("loc", "")) | parts[0][1] | parts[1][1] | parts[2][1]
        names: set[str] = set()
        conds: list[CondRefs] = []
        lines = self.loc_lines(el.get("loc", "")) if el.tag != "varref" else set()
        if el.tag == "varref" and el.get("name") in mod.vars:
            names.add(mod.prefix + el.get("name", ""))
        elif el.tag == "const" and mod.params and (used := self.source_at(el.get("loc", ""))) in mod.params:
            lines |= mod.params[used]  # a parameter's value decides this expression too
        elif el.tag in ("funcref", "taskref"):
            body_names, body_lines = self.function(el, mod, depth)
            names, lines = names | body_names, lines | body_lines
        for kid in el:
            tree, kid_lines = self.refs(kid, mod, depth)
            names |= tree.static
            conds += tree.conds
            lines |= kid_lines
        return RefTree(frozenset(names), tuple(conds)), lines

    def function(self, call: ET.Element, mod: _Module, depth: int) -> tuple[set[str], set[Line]]:
        """The module signals a called function's body reads, and the body's lines."""
        body = mod.funcs.get(call.get("name", ""))
        if body is None or depth >= 8:
            return set(), set()
        local = {mod.prefix + (v.get("name") or "") for v in body.iter("var")}
        names: set[str] = set()
        lines: set[Line] = set()
        for kid in body:
            if kid.tag != "var":
                tree, kid_lines = self.refs(kid, mod, depth + 1)
                names |= tree.all() - local
                lines |= kid_lines
        return names, lines

    def targets(self, lhs: ET.Element, mod: _Module) -> tuple[list[str], set[str]]:
        """(signals written, signals read in indices) of an assignment's left-hand side."""
        if lhs.tag == "varref":
            name = lhs.get("name", "")
            return ([mod.prefix + name] if name in mod.vars else []), set()
        if lhs.tag in SELECTS and len(lhs):
            written, read = self.targets(lhs[0], mod)
            for index in list(lhs)[1:]:
                read |= self.refs(index, mod)[0].all()
            return written, read
        written, read = [], set()
        for child in lhs:
            w, r = self.targets(child, mod)
            written += w
            read |= r
        return written, read

    # -- statements ----------------------------------------------------------------------------

    def record(self, names: Iterable[str], assignment: Assignment, lines: set[Line], ctx: _Ctx) -> None:
        """Add what one assignment says to each signal it writes."""
        for name in names:
            sig = self.signals.get(name)
            if sig is not None:
                sig.deps |= (assignment.reads.all() | ctx.refs) - {name}
                sig.lines |= lines | ctx.lines
                sig.clocked = sig.clocked or ctx.clocked
                sig.assigns.append(assignment)

    def assignment(self, el: ET.Element, mod: _Module, ctx: _Ctx) -> None:
        kids = list(el)
        if not kids:
            return
        written, index_reads = self.targets(kids[-1], mod)
        static, lines = set(index_reads), self.lines(kids[-1]) | self.loc_lines(el.get("loc", ""))
        conds: list[CondRefs] = []
        for rhs in kids[:-1]:
            tree, rhs_lines = self.refs(rhs, mod)
            static, lines = static | tree.static, lines | rhs_lines
            conds += tree.conds
        reads = RefTree(frozenset(static), tuple(conds))
        self.record(written, Assignment(ctx.guards, reads, mod.prefix), lines, ctx)

    def branch(self, el: ET.Element, mod: _Module, ctx: _Ctx) -> None:
        """An ``if``: the then-branch under the condition, the else-branch under its negation."""
        kids = list(el)
        tree, lines = self.refs(kids[0], mod)
        lines |= self.loc_lines(el.get("loc", ""))
        for want, kid in zip((True, False), kids[1:3], strict=False):
            guard = Guard(kids[0], frozenset(tree.all()), want)
            self.statements(kid, mod, ctx.under(tree.all(), lines, guard))

    def case(self, el: ET.Element, mod: _Module, ctx: _Ctx) -> None:
        """A ``case``: each item's statements under "the subject equals one of its labels"."""
        kids = list(el)
        subject, (tree, lines) = kids[0], self.refs(kids[0], mod)
        lines |= self.loc_lines(el.get("loc", ""))
        items = [k for k in kids[1:] if k.tag == "caseitem"]
        labels = {id(i): tuple(k for k in i if k.tag not in STATEMENTS) for i in items}
        every = tuple(lab for i in items for lab in labels[id(i)])
        for item in items:
            refs, item_lines = set(tree.all()), set(lines) | self.loc_lines(item.get("loc", ""))
            for lab in labels[id(item)]:
                lab_tree, lab_lines = self.refs(lab, mod)
                refs, item_lines = refs | lab_tree.all(), item_lines | lab_lines
            own = labels[id(item)]
            others = () if own else tuple(x for x in every if x not in own)
            guard = Guard(subject, frozenset(refs), True, own, others)
            inner = ctx.under(refs, item_lines, guard)
            for kid in item:
                if kid.tag in STATEMENTS:
                    self.statements(kid, mod, inner)

    def statements(self, el: ET.Element, mod: _Module, ctx: _Ctx) -> None:
        """Walk a statement, carrying the conditions that enclose it."""
        tag, kids = el.tag, list(el)
        if tag in ASSIGNS:
            self.assignment(el, mod, ctx)
        elif tag == "if" and kids:
            self.branch(el, mod, ctx)
        elif tag in ("case", "casex", "casez") and kids:
            self.case(el, mod, ctx)
        else:
            if tag == "while" and len(kids) >= 2:  # loop bounds: static dependence, no guard
                tree, lines = self.refs(kids[1], mod)
                ctx = ctx.under(tree.all(), lines | self.loc_lines(el.get("loc", "")), None)
            for kid in kids:
                if kid.tag in STATEMENTS:
                    self.statements(kid, mod, ctx)

    def always(self, el: ET.Element, mod: _Module) -> None:
        edges = [
            (item.get("edgeType", ""), ref.get("name", ""))
            for item in el.iter("senitem")
            for ref in item.iter("varref")
            if item.get("edgeType") in ("POS", "NEG")
        ]
        for edge, name in edges:
            pair = (mod.prefix + name, "posedge" if edge == "POS" else "negedge")
            if pair not in self.clocks:
                self.clocks.append(pair)
        for kid in el:
            if kid.tag != "sentree":
                self.statements(kid, mod, _Ctx(clocked=bool(edges)))

    def instance(self, el: ET.Element, mod: _Module, depth: int) -> None:
        """Walk a sub-module, then tie its ports to the expressions connected to them."""
        child = mod.prefix + el.get("name", "") + "."
        self.walk(el.get("defName", ""), child, depth + 1)
        line = self.loc_lines(el.get("loc", ""))
        for port in el.iter("port"):
            if not len(port):
                continue
            inner = child + port.get("name", "")
            lines = line | self.lines(port)
            if port.get("direction") == "out":
                written, reads = self.targets(port[0], mod)
                self.record(
                    written, Assignment((), RefTree(frozenset({inner} | reads)), mod.prefix), lines, _Ctx()
                )
            else:
                tree = self.refs(port[0], mod)[0]
                self.record([inner], Assignment((), tree, mod.prefix), lines, _Ctx())

    def walk(self, module_name: str, prefix: str = "", depth: int = 0) -> None:
        """Collect the signals of ``module_name`` instantiated at ``prefix`` (and of its sub-modules)."""
        if depth > MAX_DEPTH:
            raise WalkError(f"the design's module hierarchy is deeper than {MAX_DEPTH} levels")
        mod = self.module(module_name, prefix)
        self.design_files += [
            f for f, _ in self.loc_lines(mod.el.get("loc", "")) if f not in self.design_files
        ]
        for name, var in mod.vars.items():
            width, memory = self.width(var.get("dtype_id"))
            port = var.get("dir") if depth == 0 and var.get("dir") in ("input", "output", "inout") else None
            self.signals[prefix + name] = SignalInfo(prefix + name, width, port, memory)
        for el in mod.el:
            if el.tag in ("always", "initial"):
                self.always(el, mod)
            elif el.tag in ASSIGNS:
                self.assignment(el, mod, _Ctx())
            elif el.tag == "instance":
                self.instance(el, mod, depth)
            elif el.tag == "begin":  # generate blocks
                self.statements(el, mod, _Ctx())
