"""Pure parsers for the yosys logs of ``equivalence``: miter ports and flip-flops, SAT verdicts and
the counterexample table that ``sat -show-inputs -show-outputs`` prints."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

PORTS_BEGIN, PORTS_END = "chipsmith-ports-begin", "chipsmith-ports-end"

_FF_TYPES = ("$dff", "$adff", "$sdff", "$dffe", "$adffe", "$sdffe", "$sdffce", "$dffsr", "$dffsre", "$aldff")
_FF_ROW_RE = re.compile(r"^\s+(\$\w+)\s+(\d+)\s*$", re.M)
_ROW_RE = re.compile(r"^\s+(?:(init|\d+)\s+)?\\?(\S+)\s+(--|-?\d+)\s+(--|[0-9a-fx]+)\s+([01xz]+)\s*$", re.M)
_BASE_PROVEN_RE = re.compile(r"Base case for induction length (\d+) proven")
_TRY_RE = re.compile(r"Trying induction with length (\d+)")


class MiterInfo(BaseModel):
    """The miter's input ports (design names, without yosys's ``in_`` prefix) and flip-flop count."""

    inputs: list[str] = Field(default_factory=list)
    flip_flops: int = 0


class SatVerdict(BaseModel):
    """What one ``sat`` run concluded."""

    equivalent: bool | None
    depth: int | None = None
    counterexample: list[dict[str, str]] | None = None
    message: str


def parse_miter(log: str) -> MiterInfo:
    """Pure: inputs listed between the port markers and the flip-flops in the last ``stat``."""
    start, stop = log.rfind(PORTS_BEGIN), log.rfind(PORTS_END)
    block = log[start:stop] if 0 <= start < stop else ""
    inputs = [line.split("/", 1)[1][3:] for line in block.splitlines() if "/in_" in line]
    stat = log[log.rfind("Number of cells:") :] if "Number of cells:" in log else ""
    ffs = sum(int(n) for cell, n in _FF_ROW_RE.findall(stat) if cell in _FF_TYPES)
    return MiterInfo(inputs=sorted(inputs), flip_flops=ffs)


def _signal(name: str) -> str:
    """Pure: miter wire name -> the name a user knows (``in_a`` -> ``a``, ``gold_y`` -> ``gold.y``)."""
    for prefix, shown in (("in_", ""), ("gold_", "gold."), ("gate_", "gate.")):
        if name.startswith(prefix):
            return shown + name[len(prefix) :]
    return name


def parse_counterexample(table: str) -> list[dict[str, str]]:
    """Pure: the rows of a ``sat`` model table as one dict per time step (signal -> binary string).

    A combinational table has no time column and gives one step; ``init`` rows (initial register
    values) are left out, the steps start at time 1.
    """
    steps: dict[int, dict[str, str]] = {}
    for when, name, _dec, _hex, binary in _ROW_RE.findall(table):
        if when == "init":
            continue
        steps.setdefault(int(when) if when else 1, {})[_signal(name)] = binary
    return [steps[t] for t in sorted(steps)]


def parse_sat_comb(log: str) -> SatVerdict:
    """Pure: verdict of ``sat -prove trigger 0`` on a combinational miter."""
    if "no model found: SUCCESS!" in log:
        return SatVerdict(equivalent=True, message="proven equivalent for all inputs (SAT)")
    found = log.rfind("model found: FAIL!")
    if found >= 0:
        cex = parse_counterexample(log[found:])
        return SatVerdict(
            equivalent=False, counterexample=cex, message="not equivalent: SAT found differing outputs"
        )
    return SatVerdict(equivalent=None, message="SAT gave no verdict (timeout or solver limit)")


def parse_sat_induction(log: str, max_steps: int) -> SatVerdict:
    """Pure: verdict of ``sat -tempinduct``: proof, counterexample from reset, or a bounded result."""
    proven = [int(n) for n in _BASE_PROVEN_RE.findall(log)]
    bound = max(proven) if proven else None
    if "Induction step proven: SUCCESS!" in log:
        return SatVerdict(
            equivalent=True, depth=bound, message=f"proven equivalent by induction (length {bound})"
        )
    found = log.rfind("model found for base case: FAIL!")
    if found >= 0:
        cex = parse_counterexample(log[found:])
        msg = f"not equivalent: outputs differ at cycle {len(cex)} of the counterexample"
        return SatVerdict(equivalent=False, depth=bound, counterexample=cex, message=msg)
    tried = [int(n) for n in _TRY_RE.findall(log)]
    depth = bound if bound is not None else (max(tried) - 1 if tried else None)
    return SatVerdict(
        equivalent=None,
        depth=depth,
        message=(
            f"unknown: induction inconclusive up to length {max_steps}; the bounded check found no "
            f"difference up to length {depth} from the initial state"
        ),
    )
