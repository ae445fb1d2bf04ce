"""The recipe history: one JSON line per optimizer run under ``<home>/optimizer/recipes.jsonl``, and
retrieval of the best recipes of the most similar designs (cheap structural features of the
generic netlist: gate mix, flip-flops, logic depth), as ABC-RL seeds its search.
"""

from __future__ import annotations

import fcntl
import math
import time
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from chipsmith.tools.optimize.space import Genome

HISTORY_FILE = "recipes.jsonl"
_XOR = ("$_XOR_", "$_XNOR_")
_MUX = ("$_MUX_", "$_NMUX_")
_AND_OR = ("$_AND_", "$_OR_", "$_NAND_", "$_NOR_", "$_ANDNOT_", "$_ORNOT_")


def features(generic_cells: dict[str, int], logic_depth: int | None) -> dict[str, float]:
    """Pure: size, gate mix, flip-flops and depth of the generic netlist, as comparable numbers."""
    flops = sum(n for c, n in generic_cells.items() if "DFF" in c or "DLATCH" in c or c == "$_FF_")
    gates = sum(generic_cells.values()) - flops
    share = (
        (lambda kinds: sum(generic_cells.get(k, 0) for k in kinds) / gates) if gates else (lambda kinds: 0.0)
    )
    return {
        "log_gates": math.log1p(gates),
        "log_flops": math.log1p(flops),
        "log_depth": math.log1p(logic_depth or 0),
        "xor_share": share(_XOR),
        "mux_share": share(_MUX),
        "andor_share": share(_AND_OR),
        "not_share": share(("$_NOT_",)),
    }


# Shares range over [0, 1], logs over a few units: weights put them on a similar footing.
WEIGHTS = {
    "log_gates": 1.0,
    "log_flops": 1.0,
    "log_depth": 1.0,
    "xor_share": 3.0,
    "mux_share": 3.0,
    "andor_share": 2.0,
    "not_share": 1.0,
}


def distance(a: dict[str, float], b: dict[str, float]) -> float:
    """Pure: weighted Euclidean distance between two feature dicts (missing features count 0)."""
    return math.sqrt(sum(w * (a.get(k, 0.0) - b.get(k, 0.0)) ** 2 for k, w in WEIGHTS.items()))


class RankedRecipe(BaseModel):
    genome: Genome
    ratio: float
    """Goal score relative to the default flow (below 1 is better)."""
    proven: bool = False


class HistoryRecord(BaseModel):
    """What one optimizer run leaves for later runs."""

    version: int = 1
    design: str
    digest: str
    library: str
    library_label: str = ""
    goal: str
    features: dict[str, float]
    best: list[RankedRecipe] = Field(default_factory=list)
    evaluations: int = 0
    created: float = Field(default_factory=time.time)


class RecipeHistory:
    """Append-only JSONL store; concurrent writers serialise on an exclusive file lock."""

    def __init__(self, home: Path) -> None:
        self.path = home / "optimizer" / HISTORY_FILE

    def records(self) -> list[HistoryRecord]:
        """Every readable record; a damaged line (an interrupted write) is skipped, not fatal."""
        try:
            lines = self.path.read_text(encoding="utf-8", errors="replace").splitlines()
        except FileNotFoundError:
            return []
        out = []
        for line in lines:
            try:
                out.append(HistoryRecord.model_validate_json(line))
            except (ValidationError, ValueError):
                continue
        return out

    def append(self, record: HistoryRecord) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            fh.write(record.model_dump_json() + "\n")

    def seeds(
        self, feats: dict[str, float], *, goal: str, library: str, designs: int = 3, per_design: int = 2
    ) -> list[Genome]:
        """Best recipes of the ``designs`` nearest designs (same library and goal rank first)."""
        return retrieve(
            self.records(), feats, goal=goal, library=library, designs=designs, per_design=per_design
        )


def retrieve(
    records: list[HistoryRecord],
    feats: dict[str, float],
    *,
    goal: str,
    library: str,
    designs: int = 3,
    per_design: int = 2,
) -> list[Genome]:
    """Pure: seeds from ``records``: the latest record per (design, library, goal), nearest first."""
    latest: dict[tuple[str, str, str], HistoryRecord] = {}
    for rec in records:
        latest[(rec.digest, rec.library, rec.goal)] = rec

    def rank(rec: HistoryRecord) -> float:
        return (
            distance(feats, rec.features)
            + (0.0 if rec.library == library else 0.5)
            + (0.0 if rec.goal == goal else 0.5)
        )

    picked: list[Genome] = []
    used: set[str] = set()
    for rec in sorted(latest.values(), key=rank):
        if rec.digest in used or not rec.best:
            continue
        used.add(rec.digest)
        good = sorted(rec.best, key=lambda r: (not r.proven, r.ratio))
        picked += [r.genome for r in good[:per_design] if r.ratio < 1.0 or r.proven]
        if len(used) >= designs:
            break
    return picked
