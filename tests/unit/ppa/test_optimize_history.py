"""Recipe history: features, retrieval and the JSONL store."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipsmith.tools.optimize.history import (
    HistoryRecord,
    RankedRecipe,
    RecipeHistory,
    distance,
    features,
    retrieve,
)
from chipsmith.tools.optimize.space import FIXED

pytestmark = pytest.mark.unit

ADDER = {"$_XOR_": 16, "$_AND_": 10, "$_OR_": 6, "$_NOT_": 2}
COUNTER = {"$_XOR_": 7, "$_AND_": 12, "$_MUX_": 8, "$_SDFFE_PP0P_": 8}


def test_features_describe_size_mix_flops_and_depth() -> None:
    f = features(COUNTER, 9)
    assert f["xor_share"] == pytest.approx(7 / 27) and f["mux_share"] == pytest.approx(8 / 27)
    assert f["log_flops"] > 2 and f["log_depth"] > 2
    assert features({}, None)["log_gates"] == 0.0
    assert distance(f, f) == 0.0 < distance(f, features(ADDER, 9))


def _record(
    name: str, cells: dict[str, int], genome_name: str, ratio: float, *, goal: str = "adp", lib: str = "L"
) -> HistoryRecord:
    best = [RankedRecipe(genome=FIXED[genome_name], ratio=ratio, proven=True)]
    return HistoryRecord(
        design=name, digest=name, library=lib, goal=goal, features=features(cells, 8), best=best
    )


def test_retrieval_prefers_the_nearest_design_of_the_same_goal_and_library() -> None:
    records = [
        _record("adder", ADDER, "resyn2", 0.8),
        _record("counter", COUNTER, "dch", 0.9),
        _record("counter", COUNTER, "gia", 0.7, goal="area"),
    ]
    near_adder = {**ADDER, "$_XOR_": 15}
    assert retrieve(records, features(near_adder, 8), goal="adp", library="L", designs=1) == [FIXED["resyn2"]]
    assert retrieve(records, features(COUNTER, 8), goal="adp", library="L", designs=1) == [FIXED["dch"]]
    assert retrieve(records, features(COUNTER, 8), goal="area", library="L", designs=1) == [FIXED["gia"]]
    # An unproven recipe worse than the default flow is no seed.
    bad = HistoryRecord(design="x", digest="x", library="L", goal="adp", features=features(ADDER, 8),
                        best=[RankedRecipe(genome=FIXED["gia"], ratio=1.2, proven=False)])  # fmt: skip
    assert retrieve([bad], features(ADDER, 8), goal="adp", library="L") == []


def test_the_store_appends_and_skips_damaged_lines(tmp_path: Path) -> None:
    store = RecipeHistory(tmp_path)
    assert store.records() == []
    store.append(_record("adder", ADDER, "resyn2", 0.8))
    with store.path.open("a") as fh:
        fh.write('{"truncated": \n')
    store.append(_record("counter", COUNTER, "dch", 0.9))
    assert [r.design for r in store.records()] == ["adder", "counter"]
    assert store.seeds(features(ADDER, 8), goal="adp", library="L", designs=1) == [FIXED["resyn2"]]
