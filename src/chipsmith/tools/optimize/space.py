"""The search space: real ABC commands with their parameters, yosys options, and the pure
operators a strategy uses on it (random draw, mutation, crossover). Every function takes its
``random.Random`` so a search is reproducible from its seed.

An ABC script here is ``strash``, 0-6 logic-optimization steps on the AIG, a mapper (optionally
after choice computation) and an optional sizing tail. ``&`` commands work on ABC's second AIG
package: the builder wraps each run of them in ``&get -n`` ... ``&put``.
"""

from __future__ import annotations

import random
from typing import Any

from pydantic import BaseModel, ConfigDict

from chipsmith.tools.optimize.recipe import Recipe

# Logic optimization on the AIG (classic and & commands), with the parameters ABC's own scripts use.
OPT_STEPS: tuple[str, ...] = (
    "balance",
    "balance -l",
    "rewrite",
    "rewrite -z",
    "rewrite -l",
    "refactor",
    "refactor -z",
    "refactor -N 12",
    "resub -K 6",
    "resub -K 8 -N 2",
    "resub -K 10 -l",
    "resub -K 12 -N 2 -z",
    "dc2",
    "dc2 -l",
    "drw",
    "drf",
    "ifraig",
    "if -g",
    "&syn2",
    "&synch2",
    "&dc2",
    "&b",
    "&b -d",
    "&sopb",
    "&dsdb",
    "&syn3",
    "&syn4",
    "&fraig -x",
)
# Mappers: ``map`` is ABC's delay-oriented mapper (gain-based delays derived from the library),
# ``amap`` area-oriented, ``&nf`` the newer area/delay mapper yosys uses by default.
CHOICES: tuple[str, ...] = ("", "dch", "dch -f", "&dch", "&dch -f")
MAPPERS: tuple[str, ...] = ("&nf {D}", "&nf -p {D}", "&nf -R 1000 {D}", "amap", "map {D}", "map -a {D}")
TAILS: tuple[str, ...] = (
    "",
    "topo; upsize {D}; dnsize {D}",
    "topo; buffer -p; upsize {D}; dnsize {D}",
)
DELAY_TARGETS: tuple[float | None, ...] = (None, 0.15, 0.3, 0.5, 0.7, 0.9)
MAX_OPT_STEPS = 6
"""Longest step list a random draw makes; mutation may grow a list up to MAX_KEPT_STEPS."""
MAX_KEPT_STEPS = 20
# Steps that only appear in the fixed scripts and the explicit default flow.
EXTRA_STEPS: tuple[str, ...] = ("scorr", "dretime", "retime -o {D}", "strash")


class Capabilities(BaseModel):
    """What the library and the design allow."""

    model_config = ConfigDict(frozen=True)

    gain_delays: bool = True
    """ABC can derive gain-based delays from the library (``map`` and its sizing work)."""
    registers: bool = False
    """The design has flip-flops (retiming is meaningful)."""


def _wrap_gia(steps: list[str]) -> list[str]:
    """Pure: each run of ``&`` commands between ``&get -n`` and ``&put``; classic ones as they are."""
    cmds = [c.strip() for step in steps for c in step.split(";") if c.strip()]
    out: list[str] = []
    in_gia = False
    for cmd in cmds:
        gia = cmd.startswith("&")
        if gia != in_gia:
            out.append("&get -n" if gia else "&put")
        out.append(cmd)
        in_gia = gia
    return out + (["&put"] if in_gia else [])


def build_script(opt: list[str], choice: str, mapper: str, tail: str) -> tuple[str, ...]:
    """Pure: a full ABC script from its parts (always starts from a fresh AIG)."""
    if choice.startswith("&") != mapper.startswith("&") and choice:
        # Choices live in one AIG package: pair classic dch with a classic mapper and & with &.
        choice = choice.lstrip("&") if not mapper.startswith("&") else "&" + choice
    steps = ["strash", *opt, *([choice] if choice else []), mapper, *([tail] if tail else [])]
    return tuple(_wrap_gia(steps))


class Genome(BaseModel):
    """The searched parameters of a recipe, in a form operators can change one at a time."""

    model_config = ConfigDict(frozen=True)

    front: dict[str, Any]
    opt: tuple[str, ...] = ()
    choice: str = ""
    mapper: str = "&nf {D}"
    tail: str = ""
    delay_target: float | None = None
    retime: bool = False

    def recipe(self) -> Recipe:
        script = build_script(list(self.opt), self.choice, self.mapper, self.tail)
        return Recipe(**self.front, abc_script=script, delay_target=self.delay_target, retime=self.retime)


FRONT_CHOICES: dict[str, tuple[Any, ...]] = {
    "flatten": (True, False),
    "fsm": ("auto", "off", "binary", "one-hot"),
    "share": ("on", "off", "aggressive"),
    "alumacc": (True, False),
    "opt_full": (False, True),
    "generic_abc": (True, False),
}
DEFAULT_FRONT: dict[str, Any] = {k: v[0] for k, v in FRONT_CHOICES.items()}


def mappers(caps: Capabilities) -> tuple[str, ...]:
    return MAPPERS if caps.gain_delays else tuple(m for m in MAPPERS if not m.startswith("map"))


def tails(caps: Capabilities) -> tuple[str, ...]:
    return TAILS if caps.gain_delays else ("",)


def random_genome(rng: random.Random, caps: Capabilities) -> Genome:
    """Pure: a uniformly drawn point (front options drawn with a bias towards synth's defaults)."""
    front = {k: (v[0] if rng.random() < 0.6 else rng.choice(v)) for k, v in FRONT_CHOICES.items()}
    return Genome(
        front=front,
        opt=tuple(rng.choice(OPT_STEPS) for _ in range(rng.randint(0, MAX_OPT_STEPS))),
        choice=rng.choice(CHOICES),
        mapper=rng.choice(mappers(caps)),
        tail=rng.choice(tails(caps)),
        delay_target=rng.choice(DELAY_TARGETS),
        retime=caps.registers and rng.random() < 0.1,
    )


def _mutate_opt(rng: random.Random, opt: tuple[str, ...]) -> tuple[str, ...]:
    steps = list(opt)
    move = rng.choice(("insert", "delete", "replace", "swap"))
    if move == "insert" or not steps:
        if len(steps) < MAX_KEPT_STEPS:
            steps.insert(rng.randint(0, len(steps)), rng.choice(OPT_STEPS))
    elif move == "delete":
        steps.pop(rng.randrange(len(steps)))
    elif move == "replace":
        steps[rng.randrange(len(steps))] = rng.choice(OPT_STEPS)
    elif len(steps) > 1:
        i, j = rng.sample(range(len(steps)), 2)
        steps[i], steps[j] = steps[j], steps[i]
    return tuple(steps)


def mutate(rng: random.Random, g: Genome, caps: Capabilities) -> Genome:
    """Pure: change one gene (the ABC step list most often: it is the largest part of the space)."""
    gene = rng.choices(
        ("opt", "choice", "mapper", "tail", "delay", "front", "retime"),
        weights=(5, 1, 2, 2, 2, 2, 1 if caps.registers else 0),
    )[0]
    if gene == "opt":
        return g.model_copy(update={"opt": _mutate_opt(rng, g.opt)})
    if gene == "choice":
        return g.model_copy(update={"choice": rng.choice(CHOICES)})
    if gene == "mapper":
        return g.model_copy(update={"mapper": rng.choice(mappers(caps))})
    if gene == "tail":
        return g.model_copy(update={"tail": rng.choice(tails(caps))})
    if gene == "delay":
        return g.model_copy(update={"delay_target": rng.choice(DELAY_TARGETS)})
    if gene == "retime":
        return g.model_copy(update={"retime": not g.retime})
    key = rng.choice(list(FRONT_CHOICES))
    return g.model_copy(update={"front": {**g.front, key: rng.choice(FRONT_CHOICES[key])}})


def crossover(rng: random.Random, a: Genome, b: Genome) -> Genome:
    """Pure: uniform crossover of the scalar genes, one-point crossover of the step lists."""
    cut_a, cut_b = rng.randint(0, len(a.opt)), rng.randint(0, len(b.opt))
    opt = (a.opt[:cut_a] + b.opt[cut_b:])[:MAX_KEPT_STEPS]
    pick = {
        f: getattr(a if rng.random() < 0.5 else b, f)
        for f in ("choice", "mapper", "tail", "delay_target", "retime")
    }
    front = {k: (a.front if rng.random() < 0.5 else b.front).get(k, DEFAULT_FRONT[k]) for k in FRONT_CHOICES}
    return Genome(front=front, opt=opt, **pick)


def allowed(g: Genome, caps: Capabilities) -> bool:
    """Pure: the genome uses only what the library and design support."""
    return g.mapper in mappers(caps) and g.tail in tails(caps) and (caps.registers or not g.retime)


def _fixed(opt: str, choice: str = "", mapper: str = "&nf {D}") -> Genome:
    return Genome(
        front=DEFAULT_FRONT,
        opt=tuple(o.strip() for o in opt.split(";") if o.strip()),
        choice=choice,
        mapper=mapper,
    )


RESYN2 = "balance; rewrite; refactor; balance; rewrite; rewrite -z; balance; refactor -z; rewrite -z; balance"
COMPRESS2RS = (
    "balance -l; resub -K 6 -l; rewrite -l; resub -K 6 -N 2 -l; refactor -l; resub -K 8 -l; balance -l; "
    "resub -K 8 -N 2 -l; rewrite -l; resub -K 10 -l; rewrite -z -l; resub -K 10 -N 2 -l; balance -l; "
    "resub -K 12 -l; refactor -z -l; resub -K 12 -N 2 -l; rewrite -z -l; balance -l"
)
# The strong fixed scripts of the QoR comparison, each on top of the default yosys flow and
# mapped with the mapper yosys itself uses (``&nf``), so only the logic optimization differs.
FIXED: dict[str, Genome] = {
    "resyn2": _fixed(RESYN2),
    "dch": _fixed("dc2", choice="&dch -f"),
    "compress2rs": _fixed(COMPRESS2RS),
    "gia": _fixed("&syn2; &synch2"),
}
# yosys's built-in liberty script (with -D), written out so the search can start from it.
DEFAULT_EXPLICIT = _fixed("&fraig -x; scorr; dc2; dretime; retime -o {D}; strash", choice="&dch -f")
