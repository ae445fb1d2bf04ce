"""A synthesis recipe (yosys options + an ABC script) and the pure builders of its yosys script.

A recipe changes only what happens between reading the design and writing the mapped netlist;
the measurement around it (clock discovery, ``stat -liberty``, the netlist fix-ups OpenSTA needs)
is the same as ``chipsmith synth``'s, so an optimized figure and a default one are comparable.
The default recipe reproduces ``chipsmith synth``'s flow exactly.
"""

from __future__ import annotations

import hashlib
import json
from typing import Literal

from pydantic import BaseModel, ConfigDict

from chipsmith.tools import _synth_parse as yp
from chipsmith.tools._yosys_names import module_name, quoted

FEATURES_BEGIN, FEATURES_END = "chipsmith-generic-begin", "chipsmith-generic-end"
_FF = "t:$_*DFF*_"


class RecipeError(ValueError):
    """A recipe that cannot be turned into a script (one-line message)."""


class Recipe(BaseModel):
    """One point of the search space. Defaults are ``chipsmith synth``'s flow."""

    model_config = ConfigDict(frozen=True)

    flatten: bool = True
    """``synth -flatten``: optimize across module boundaries."""
    fsm: Literal["auto", "off", "binary", "one-hot"] = "auto"
    """FSM extraction: yosys's own choice, none, or recoded to binary / one-hot."""
    share: Literal["on", "off", "aggressive"] = "on"
    """SAT-based resource sharing (``share``), off (``-noshare``) or ``share -aggressive``."""
    alumacc: bool = True
    """Merge adders and multipliers into ``$alu``/``$macc`` cells before mapping."""
    opt_full: bool = False
    """An extra ``opt -full`` (fine-grained constant folding, mux simplification) after the coarse passes."""
    generic_abc: bool = True
    """synth's own ``abc -fast`` pass to generic gates before liberty mapping."""
    retime: bool = False
    """Pass flip-flops through ABC (``abc -dff``) so its script may move them (``dretime``)."""
    abc_script: tuple[str, ...] | None = None
    """ABC commands (``{D}`` = the delay target); None = yosys's built-in liberty script."""
    delay_target: float | None = None
    """``-D`` as a fraction of the default flow's delay; None = the clock period (as ``chipsmith synth``)."""

    def key(self) -> str:
        """Stable short id: equal recipes (same fields) share it."""
        blob = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(blob.encode()).hexdigest()[:12]

    def front_key(self) -> str:
        """Id of the part before liberty mapping (recipes sharing it share the generic netlist)."""
        front = self.model_dump(include={"flatten", "fsm", "share", "alumacc", "opt_full", "generic_abc"})
        return hashlib.sha256(json.dumps(front, sort_keys=True).encode()).hexdigest()[:12]


DEFAULT = Recipe()


def delay_ps(recipe: Recipe, *, clock_period_ps: float, ref_delay_ps: float | None) -> float:
    """Pure: the ``-D`` value in ps this recipe gives ABC."""
    if recipe.delay_target is None or not ref_delay_ps:
        return clock_period_ps
    return max(1.0, round(recipe.delay_target * ref_delay_ps, 1))


def abc_script_text(steps: tuple[str, ...], d_ps: float) -> str:
    """Pure: the ABC commands joined by ``;`` with ``{D}`` replaced by ``-D <ps>``."""
    return "; ".join(s.replace("{D}", f"-D {d_ps:g}").strip() for s in steps)


def _abc_command(recipe: Recipe, liberty: str, d_ps: float) -> str:
    flags = f"{'-dff ' if recipe.retime else ''}-D {d_ps:g} -liberty {liberty}"
    if recipe.abc_script is None:
        return f"abc {flags}"
    text = abc_script_text(recipe.abc_script, d_ps)
    if any(c in text for c in ",\"'\n") or not text:
        raise RecipeError(f"ABC script {text!r} cannot be passed inline")
    # yosys turns the commas of `-script +...` into blanks: an inline, self-contained script.
    return f"abc {flags} -script +{text.replace(' ', ',')}"


def front_lines(recipe: Recipe, top: str) -> list[str]:
    """Pure: the generic synthesis part (yosys ``synth`` split at its ``fine`` label)."""
    t = f"-top {module_name(top, RecipeError)}"
    coarse = ["-flatten"] if recipe.flatten else []
    coarse += ["-nofsm"] if recipe.fsm != "auto" else []
    coarse += ["-noshare"] if recipe.share != "on" else []
    coarse += ["-noalumacc"] if not recipe.alumacc else []
    lines = [f"synth {' '.join([*coarse, t])} -run begin:fine"]
    if recipe.fsm in ("binary", "one-hot"):
        lines.append(f"fsm -encoding {recipe.fsm}")
    if recipe.share == "aggressive":
        lines += ["share -aggressive", "opt"]
    if recipe.opt_full:
        lines.append("opt -full")
    lines.append(f"synth {t}{'' if recipe.generic_abc else ' -noabc'} -run fine:")
    return lines


def map_lines(recipe: Recipe, *, liberty: str, d_ps: float, fixups: list[str], netlist: str) -> list[str]:
    """Pure: clock discovery and generic-gate statistics (parsed later), mapping, fix-ups, area."""
    flops = [f"dfflibmap -liberty {liberty}"]
    abc = [_abc_command(recipe, liberty, d_ps)]
    if recipe.retime:
        # dfflibmap after ABC leaves the inverters of inverted-output flip-flops unmapped.
        flops.append(f"abc -liberty {liberty} -fast t:$_NOT_")
    return [
        "ltp -noff",
        f"log {yp.CLOCKS_BEGIN}",
        f"select -list {_FF} %x:+[C] {_FF} %d i:* %i",
        f"log {yp.CLOCKS_END}",
        f"log {FEATURES_BEGIN}",
        "stat",
        f"log {FEATURES_END}",
        # ABC sees the flip-flops only with -dff; they must still be yosys cells then.
        *(abc + flops if recipe.retime else flops + abc),
        *fixups,
        f"log {yp.STAT_BEGIN}",
        f"stat -liberty {liberty}",
        f"log {yp.STAT_END}",
        f"write_verilog -noattr -noexpr {netlist}",
    ]


def flow_script(
    recipe: Recipe,
    *,
    sources: list[str],
    top: str,
    liberty: str,
    d_ps: float,
    fixups: list[str],
    netlist: str,
) -> str:
    """Pure: the whole yosys script for one recipe (read, synthesize, map, measure, write)."""
    lines = [f"read_verilog -sv {quoted(s, RecipeError)}" for s in sources]
    lines.append(f"hierarchy -check -top {module_name(top, RecipeError)}")
    lines += front_lines(recipe, top)
    lines += map_lines(recipe, liberty=liberty, d_ps=d_ps, fixups=fixups, netlist=netlist)
    return "\n".join(lines) + "\n"


def standalone_script(
    recipe: Recipe,
    *,
    sources: list[str],
    top: str,
    liberty: str,
    d_ps: float,
    fixups: list[str],
    netlist: str,
    header: str,
) -> str:
    """Pure: a reusable ``yosys -s`` script for ``recipe`` with a comment header."""
    comments = "".join(f"# {line}\n" for line in header.splitlines())
    body = flow_script(
        recipe, sources=sources, top=top, liberty=liberty, d_ps=d_ps, fixups=fixups, netlist=netlist
    )
    return comments + body
