"""Pure search strategies: ``ask()`` proposes the next genome, ``tell()`` reports its score.

Both strategies first hand out their seeds (the best recipes of similar designs from the history,
then the fixed scripts), never propose a recipe twice, and need no model of the space:

- ``evolve`` (default): a steady-state evolutionary search. After the seeds, eight random
  genomes widen the population (the seeds are all alike: logic scripts on the default flow);
  then parents are picked by 3-way tournament from the best ``population`` results; a child is
  one or two mutations of a parent (one ABC step inserted / deleted / replaced / swapped, a
  mapper, a sizing tail, a delay target or a yosys option changed), or a crossover of two
  parents; one child in five is a random immigrant. Chosen because a good synthesis script is usually a small edit of another good one
  (the premise of ABC-RL's and DRiLLS' sequence search), results arrive one at a time from
  parallel workers (a steady state needs no generation barrier), and with 30-60 evaluations
  per design there are too few points to fit a surrogate model.
- ``random``: independent uniform draws, the baseline any search must beat.
"""

from __future__ import annotations

import random
from typing import Protocol

from chipsmith.tools.optimize.space import Capabilities, Genome, allowed, crossover, mutate, random_genome

STRATEGIES = ("evolve", "random")


def risky_genes(g: Genome) -> set[tuple[str, object]]:
    """Pure: the genes that change a design's state (retiming, FSM recoding). When a netlist made
    with one fails its proof (retiming through ABC broke synchronous-reset behaviour on every
    suite design we tried), the rest of the run leaves that gene alone instead of breeding more
    fast but wrong netlists from it."""
    genes: set[tuple[str, object]] = set()
    if g.retime:
        genes.add(("retime", True))
    if g.front.get("fsm") in ("binary", "one-hot"):
        genes.add(("fsm", g.front["fsm"]))
    return genes


class Strategy(Protocol):
    def ask(self) -> Genome: ...

    def tell(self, genome: Genome, score: float | None) -> None: ...

    def discard(self, genome: Genome) -> None:
        """Forget a told result (its netlist failed the equivalence proof)."""


class _Base:
    def __init__(self, seeds: list[Genome], caps: Capabilities, rng: random.Random) -> None:
        self.caps = caps
        self.rng = rng
        self.seen: set[str] = set()
        self.pending = [g for g in seeds if allowed(g, caps)]
        self.banned: set[tuple[str, object]] = set()

    def _ok(self, g: Genome) -> bool:
        return allowed(g, self.caps) and not (risky_genes(g) & self.banned)

    def discard(self, genome: Genome) -> None:
        """A told result failed its proof: its risky genes (see ``risky_genes``) are banned."""
        self.banned |= risky_genes(genome)

    def _fresh(self, make: object) -> Genome:
        """The first proposal from ``make`` not proposed before (random after 50 tries)."""
        for _ in range(50):
            g = make()  # type: ignore[operator]
            if self._ok(g) and g.recipe().key() not in self.seen:
                return self._mark(g)
        while True:
            g = random_genome(self.rng, self.caps)
            if self._ok(g) and g.recipe().key() not in self.seen:
                return self._mark(g)

    def _mark(self, g: Genome) -> Genome:
        self.seen.add(g.recipe().key())
        return g

    def _next_seed(self) -> Genome | None:
        while self.pending:
            g = self.pending.pop(0)
            if self._ok(g) and g.recipe().key() not in self.seen:
                return self._mark(g)
        return None


class RandomStrategy(_Base):
    """Seeds first, then uniform random genomes."""

    def ask(self) -> Genome:
        return self._next_seed() or self._fresh(lambda: random_genome(self.rng, self.caps))

    def tell(self, genome: Genome, score: float | None) -> None:
        self.seen.add(genome.recipe().key())


class EvolutionStrategy(_Base):
    """Seeds first, then tournament selection, mutation and crossover over the best results."""

    def __init__(
        self,
        seeds: list[Genome],
        caps: Capabilities,
        rng: random.Random,
        population: int = 8,
        immigrants: float = 0.2,
        crossover_rate: float = 0.25,
        init_random: int = 8,
    ) -> None:
        super().__init__(seeds, caps, rng)
        self.init_random = init_random
        self.size = population
        self.immigrants = immigrants
        self.crossover_rate = crossover_rate
        self.population: list[tuple[float, Genome]] = []

    def _parent(self) -> Genome:
        pool = self.rng.sample(self.population, min(3, len(self.population)))
        return min(pool, key=lambda sg: sg[0])[1]

    def _child(self) -> Genome:
        if self.init_random > 0 or not self.population or self.rng.random() < self.immigrants:
            self.init_random = max(0, self.init_random - 1)
            return random_genome(self.rng, self.caps)
        if len(self.population) > 1 and self.rng.random() < self.crossover_rate:
            child = crossover(self.rng, self._parent(), self._parent())
        else:
            child = self._parent()
        for _ in range(1 if self.rng.random() < 0.7 else 2):
            child = mutate(self.rng, child, self.caps)
        return child

    def ask(self) -> Genome:
        return self._next_seed() or self._fresh(self._child)

    def tell(self, genome: Genome, score: float | None) -> None:
        self.seen.add(genome.recipe().key())
        if score is None or not self._ok(genome):
            return
        self.population.append((score, genome))
        self.population.sort(key=lambda sg: sg[0])
        del self.population[self.size :]

    def discard(self, genome: Genome) -> None:
        super().discard(genome)
        self.population = [(s, g) for s, g in self.population if g != genome and self._ok(g)]


def make_strategy(name: str, seeds: list[Genome], caps: Capabilities, seed: int = 0) -> Strategy:
    """The strategy called ``name`` (``evolve`` or ``random``)."""
    rng = random.Random(seed)
    if name == "evolve":
        return EvolutionStrategy(seeds, caps, rng)
    if name == "random":
        return RandomStrategy(seeds, caps, rng)
    raise ValueError(f"unknown search strategy {name!r}; use one of {', '.join(STRATEGIES)}")
