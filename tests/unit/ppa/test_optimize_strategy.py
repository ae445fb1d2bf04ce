"""Pure strategies and Pareto logic."""

from __future__ import annotations

import random

import pytest

from chipsmith.tools.optimize.pareto import dominates, front, score
from chipsmith.tools.optimize.space import FIXED, Capabilities, random_genome
from chipsmith.tools.optimize.strategy import EvolutionStrategy, RandomStrategy, make_strategy

pytestmark = pytest.mark.unit

CAPS = Capabilities(gain_delays=True, registers=False)


def test_goal_scores() -> None:
    p = (2.0, 300.0, 1e-5)
    assert [score(g, p) for g in ("area", "delay", "power", "adp")] == [2.0, 300.0, 1e-5, 600.0]
    with pytest.raises(ValueError, match="unknown goal"):
        score("speed", p)


def test_dominance_and_front() -> None:
    assert dominates((1, 1, 1), (1, 2, 1)) and not dominates((1, 1, 1), (1, 1, 1))
    assert not dominates((1, 3, 1), (2, 1, 1))
    pts = [(1.0, 5.0, 1.0), (2.0, 2.0, 1.0), (2.0, 3.0, 1.0), (1.0, 5.0, 1.0), (3.0, 1.0, 2.0)]
    assert front(["a", "b", "c", "a2", "d"], pts) == ["a", "b", "d"]


@pytest.mark.parametrize("name", ["evolve", "random"])
def test_seeds_come_first_and_nothing_is_proposed_twice(name: str) -> None:
    seeds = list(FIXED.values())
    strat = make_strategy(name, seeds, CAPS, seed=1)
    first = [strat.ask() for _ in seeds]
    assert first == seeds
    keys = {g.recipe().key() for g in first}
    for i in range(150):
        g = strat.ask()
        assert g.recipe().key() not in keys
        keys.add(g.recipe().key())
        strat.tell(g, float(i % 7))


def test_evolution_keeps_the_best_and_breeds_from_them() -> None:
    rng = random.Random(0)
    strat = EvolutionStrategy([], CAPS, rng, population=3, immigrants=0.0, crossover_rate=0.0, init_random=0)
    good = FIXED["resyn2"]
    strat.tell(good, 1.0)
    for i in range(5):
        strat.tell(random_genome(rng, CAPS), 10.0 + i)
    assert [s for s, _ in strat.population] == [1.0, 10.0, 11.0]
    # With no immigrants every child is one or two mutations of a parent: most keep resyn2's steps.
    kids = [strat.ask() for _ in range(40)]
    assert sum(k.opt[:5] == good.opt[:5] for k in kids) > 10


def test_random_strategy_ignores_scores_and_unknown_names_fail() -> None:
    strat = RandomStrategy([], CAPS, random.Random(0))
    g = strat.ask()
    strat.tell(g, 0.0)
    assert strat.ask() != g
    with pytest.raises(ValueError, match="unknown search strategy"):
        make_strategy("bayes", [], CAPS)


@pytest.mark.parametrize("name", ["evolve", "random"])
def test_a_failed_proof_bans_the_state_changing_gene_it_used(name: str) -> None:
    caps = Capabilities(gain_delays=True, registers=True)
    strat = make_strategy(name, [], caps, seed=2)
    retimed = FIXED["dch"].model_copy(update={"retime": True})
    strat.tell(retimed, 1.0)
    strat.discard(retimed)
    assert not any(strat.ask().retime for _ in range(200))
    if isinstance(strat, EvolutionStrategy):
        assert strat.population == []
