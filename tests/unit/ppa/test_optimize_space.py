"""Pure search space: ABC script assembly, draws, mutation and crossover."""

from __future__ import annotations

import random

import pytest

from chipsmith.tools.optimize.space import (
    DEFAULT_EXPLICIT,
    FIXED,
    MAX_KEPT_STEPS,
    MAX_OPT_STEPS,
    Capabilities,
    Genome,
    allowed,
    build_script,
    crossover,
    mutate,
    random_genome,
)

pytestmark = pytest.mark.unit

CAPS = Capabilities(gain_delays=True, registers=True)
NO_MAP = Capabilities(gain_delays=False, registers=False)


def test_gia_commands_are_wrapped_in_get_and_put() -> None:
    script = build_script(["balance", "&syn2", "&b", "rewrite"], "&dch", "&nf {D}", "topo; upsize {D}")
    assert script == (
        "strash", "balance", "&get -n", "&syn2", "&b", "&put", "rewrite",
        "&get -n", "&dch", "&nf {D}", "&put", "topo", "upsize {D}",
    )  # fmt: skip


def test_choices_follow_the_mapper_package() -> None:
    assert build_script([], "&dch -f", "map {D}", "") == ("strash", "dch -f", "map {D}")
    assert build_script([], "dch", "&nf {D}", "") == ("strash", "&get -n", "&dch", "&nf {D}", "&put")


def test_fixed_scripts_are_the_named_abc_sequences() -> None:
    resyn2 = FIXED["resyn2"].recipe().abc_script
    assert resyn2 is not None and resyn2[:4] == ("strash", "balance", "rewrite", "refactor")
    assert set(FIXED) == {"resyn2", "dch", "compress2rs", "gia"}
    assert "scorr" in (DEFAULT_EXPLICIT.recipe().abc_script or ())


def test_random_draws_respect_the_library_and_the_design() -> None:
    rng = random.Random(3)
    for _ in range(300):
        g = random_genome(rng, NO_MAP)
        assert allowed(g, NO_MAP) and len(g.opt) <= MAX_OPT_STEPS and not g.retime
        script = " ".join(g.recipe().abc_script or ())
        assert "map -" not in script.replace("amap", "") and "upsize" not in script


def test_mutation_changes_one_gene_and_stays_in_the_space() -> None:
    rng = random.Random(5)
    g = FIXED["dch"]
    changed = 0
    for _ in range(200):
        child = mutate(rng, g, CAPS)
        assert allowed(child, CAPS) and len(child.opt) <= MAX_KEPT_STEPS
        diffs = [
            f
            for f in ("opt", "choice", "mapper", "tail", "delay_target", "retime", "front")
            if getattr(child, f) != getattr(g, f)
        ]
        assert len(diffs) <= 1
        changed += bool(diffs)
    assert changed > 150  # some draws pick the value already there


def test_crossover_mixes_parents() -> None:
    rng = random.Random(7)
    a, b = FIXED["resyn2"], Genome(front={"flatten": False}, opt=("dc2",), mapper="amap", tail="")
    kids = [crossover(rng, a, b) for _ in range(50)]
    assert {k.mapper for k in kids} == {"&nf {D}", "amap"}
    assert all(len(k.opt) <= MAX_KEPT_STEPS for k in kids)
    assert {k.front["flatten"] for k in kids} == {True, False}
