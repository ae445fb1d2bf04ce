"""Every chipsmith-rtl task has a high-level spec that states the interface and leaks no internals.

"Internal" means a name the reference declares that is not a port (registers, wires, loop
variables, parameters, state names, block labels) and the names the detailed spec uses in code
(``prev``, ``cnt``, ``ptr`` ...): a requirements note describes behaviour at the ports only.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from chipsmith.benchmarks.rtl_suites import BUNDLED, HIGH_SPEC

pytestmark = pytest.mark.unit

TASK_DIRS = sorted(d for d in BUNDLED.iterdir() if (d / "task.toml").is_file())

PORT = re.compile(
    r"\b(?:input|output)\b(?:\s+(?:reg|wire))?(?:\s+signed)?\s*(?:\[[^\]]*\]\s*)?([A-Za-z_]\w*)"
)
DECL = re.compile(
    r"\b(?:reg|wire|integer|genvar|localparam|parameter)\b(?:\s+signed)?\s*(?:\[[^\]]*\]\s*)?([^;]*);"
)
IDENT = re.compile(r"(?<![\w'])[A-Za-z_]\w*")
SIZED_LITERAL = re.compile(r"\d*'[sS]?[bdhoBDHO][0-9a-fA-F_xzXZ]+")
VERILOG_WORDS = {"module", "input", "output", "signed", "reg", "wire", "endmodule"}
# Names that may stand in code spans although no port has them: an index (lane i) and a constant (P).
MATH_NAMES = {"i", "P"}
# Prose words that happen to equal an internal name of that task's reference; each is plain English
# there ("noisy differs from clean", "active high", "skid buffer"), never the internal signal.
ENGLISH = {"debounce": {"differs"}, "uart_rx": {"active"}, "skid_buffer": {"skid"}}
# Cycle-trace labels of the detailed specs (E0, E0+38): the high level states latencies instead.
EDGE_LABEL = re.compile(r"\bE\d+\b|\bE0\+")


def _meta(task: Path) -> dict[str, str]:
    return tomllib.loads((task / "task.toml").read_text())


def ports_of(interface: str) -> set[str]:
    """Pure: the port names of an ANSI module header."""
    return set(PORT.findall(interface))


def internal_names(ref_src: str, ports: set[str]) -> set[str]:
    """Pure: names a reference declares in its body (not in its header) that are not ports."""
    src = re.sub(r"//[^\n]*|/\*.*?\*/", "", ref_src, flags=re.S)
    body = src[src.index(");") + 2 :]  # after the ANSI header, whose `output reg` are ports
    names = set(re.findall(r"begin\s*:\s*([A-Za-z_]\w*)", body))
    for decl in DECL.findall(body):
        for part in re.sub(r"\[[^\]]*\]", "", decl).split(","):
            match = IDENT.match(part.strip())
            if match:
                names.add(match.group(0))
    return names - ports


def code_spans(markdown: str) -> list[str]:
    """Pure: the text of fenced blocks and `inline code` in a Markdown page."""
    fenced = re.findall(r"```[a-z]*\n(.*?)```", markdown, flags=re.S)
    rest = re.sub(r"```[a-z]*\n.*?```", "", markdown, flags=re.S)
    return fenced + re.findall(r"`([^`\n]+)`", rest)


def code_identifiers(markdown: str) -> set[str]:
    return {n for span in code_spans(markdown) for n in IDENT.findall(SIZED_LITERAL.sub("", span))}


def test_the_helpers_find_what_they_should() -> None:
    ref = "module m(input clk, output reg [3:0] q);\n  reg [1:0] cnt, st; // wire ghost;\n  wire x = 1;\n  integer k;\n  localparam S0 = 0;\n  always @* begin : blk q = 0; end\nendmodule"
    assert ports_of("module m(input clk, output reg [3:0] q);") == {"clk", "q"}
    assert internal_names(ref, {"clk", "q"}) == {"cnt", "st", "x", "k", "S0", "blk"}
    assert code_identifiers("a `cnt + 4'hF` b\n```verilog\nmodule m;\n```\n") == {"cnt", "module", "m"}


def test_every_task_has_a_high_level_spec() -> None:
    assert len(TASK_DIRS) == 42
    missing = [d.name for d in TASK_DIRS if not (d / HIGH_SPEC).is_file()]
    assert not missing


@pytest.mark.parametrize("task", TASK_DIRS, ids=lambda d: d.name)
def test_high_spec_states_the_interface_and_leaks_no_internal_name(task: Path) -> None:
    meta = _meta(task)
    text = (task / HIGH_SPEC).read_text()
    detailed = (task / "spec.md").read_text()
    ports = ports_of(meta["interface"])
    assert text.startswith(f"# {meta['id']}: ") and len(text.split()) > 40
    assert text.strip() != detailed.strip()
    # The exact module header, in a Verilog block: the ports are part of the contract.
    assert f"```verilog\n{meta['interface']}\n```" in text
    undocumented = [p for p in sorted(ports) if f"`{p}`" not in text.split("```", 2)[2]]
    assert not undocumented, f"ports never described outside the header: {undocumented}"
    # In code, only ports, the module name, Verilog keywords and the two math names may appear.
    allowed = ports | {meta["top"]} | VERILOG_WORDS | MATH_NAMES
    assert code_identifiers(text) <= allowed, sorted(code_identifiers(text) - allowed)
    # Nowhere, prose included, a name internal to the reference (English homonyms excepted).
    internal = internal_names((task / "ref.v").read_text(), ports) - {meta["top"]}
    words = set(IDENT.findall(text)) - ENGLISH.get(task.name, set())
    assert not internal & words, sorted(internal & words)
    # Nor a name the detailed spec uses in code that is not a port (prev, cnt, ptr, t, skid_valid...).
    detailed_only = code_identifiers(detailed) - allowed - {"A", "B", "C", "j"}  # matrix names are prose
    assert not detailed_only & words, sorted(detailed_only & words)
    assert not EDGE_LABEL.search(text), EDGE_LABEL.search(text)


def test_english_exceptions_are_still_needed() -> None:
    """An exception that no longer matches anything would silently widen the check; drop it instead."""
    for name, exempt in ENGLISH.items():
        task = BUNDLED / name
        internal = internal_names((task / "ref.v").read_text(), ports_of(_meta(task)["interface"]))
        used = set(IDENT.findall((task / HIGH_SPEC).read_text()))
        assert exempt <= internal & used, (name, exempt)
