"""Tools sit below benchmarks and agents: no module under tools/ imports them (at any depth, lazy
imports included), and the kernel modules import each other without cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

SRC = Path(__file__).resolve().parents[3] / "src"
TOOLS = SRC / "chipsmith" / "tools"
UPPER = ("chipsmith.benchmarks", "chipsmith.agents")
# A file of another area that still points up, listed so that this test checks every other file
# and fails once the file is fixed (then remove the entry). None today.
KNOWN_VIOLATIONS: dict[str, str] = {}


def module_name(path: Path) -> str:
    rel = path.relative_to(SRC).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module a file imports, wherever the import statement is (functions included)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
            out |= {f"{node.module}.{a.name}" for a in node.names}
    return out


def upward(path: Path) -> set[str]:
    return {m for m in imports(path) if m.startswith(UPPER)}


@pytest.mark.parametrize("path", sorted(TOOLS.rglob("*.py")), ids=lambda p: str(p.relative_to(TOOLS)))
def test_tools_do_not_import_benchmarks_or_agents(path: Path) -> None:
    found = upward(path)
    known = KNOWN_VIOLATIONS.get(str(path.relative_to(TOOLS)))
    if known is not None:
        assert known in found, f"{path.name} no longer imports {known}: drop it from KNOWN_VIOLATIONS"
        found -= {m for m in found if m.startswith(known)}
    assert not found, f"{path.relative_to(SRC)} imports {sorted(found)}: tools must not depend on them"


def test_the_layering_check_sees_lazy_imports(tmp_path: Path) -> None:
    bad = tmp_path / "x.py"
    bad.write_text("def f():\n    from chipsmith.benchmarks.task import Task\n    return Task\n")
    assert upward(bad) == {"chipsmith.benchmarks.task", "chipsmith.benchmarks.task.Task"}


def kernel_modules() -> dict[str, Path]:
    paths = list((TOOLS / "kernels").glob("*.py")) + list(
        (SRC / "chipsmith" / "benchmarks").glob("kernel_*.py")
    )
    paths.append(SRC / "chipsmith" / "benchmarks" / "adapters" / "kernelbench.py")
    return {module_name(p): p for p in paths}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle in a directed graph, as a path, or None."""
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt, stack + [nxt])):
                return cycle
        state[node] = 2
        return None

    for n in sorted(graph):
        if n not in state and (cycle := visit(n, [n])):
            return cycle
    return None


def test_kernel_modules_have_no_import_cycle() -> None:
    mods = kernel_modules()
    graph = {name: {m for m in imports(p) if m in mods and m != name} for name, p in mods.items()}
    assert find_cycle(graph) is None, find_cycle(graph)


def test_cycle_finder_finds_a_cycle() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None
