"""Pure recipe model and yosys/ABC script builders of the optimizer."""

from __future__ import annotations

import pytest

from chipsmith.tools.optimize.recipe import (
    DEFAULT,
    Recipe,
    RecipeError,
    abc_script_text,
    delay_ps,
    flow_script,
    front_lines,
    standalone_script,
)

pytestmark = pytest.mark.unit

ARGS = {
    "sources": ["a.v"],
    "top": "top",
    "liberty": "L.lib",
    "d_ps": 800.0,
    "fixups": ["opt_clean -purge"],
    "netlist": "n.v",
}


def test_the_default_recipe_is_synth_split_at_its_fine_label() -> None:
    assert front_lines(DEFAULT, "top") == [
        "synth -flatten -top top -run begin:fine",
        "synth -top top -run fine:",
    ]
    lines = flow_script(DEFAULT, **ARGS).splitlines()
    assert lines[:2] == ['read_verilog -sv "a.v"', "hierarchy -check -top top"]
    # chipsmith synth's mapping: flip-flops first, then ABC's own liberty script with -D.
    assert lines.index("dfflibmap -liberty L.lib") < lines.index("abc -D 800 -liberty L.lib")
    assert lines[-1] == "write_verilog -noattr -noexpr n.v" and "stat -liberty L.lib" in lines


def test_front_options_become_synth_flags_and_extra_passes() -> None:
    r = Recipe(
        flatten=False, fsm="one-hot", share="aggressive", alumacc=False, opt_full=True, generic_abc=False
    )
    assert front_lines(r, "t") == [
        "synth -nofsm -noshare -noalumacc -top t -run begin:fine",
        "fsm -encoding one-hot",
        "share -aggressive",
        "opt",
        "opt -full",
        "synth -top t -noabc -run fine:",
    ]


def test_an_abc_script_is_passed_inline_with_the_delay_target() -> None:
    r = Recipe(abc_script=("strash", "&get -n", "&nf {D}", "&put", "topo; upsize {D}"))
    ys = flow_script(r, **ARGS)
    assert "abc -D 800 -liberty L.lib -script +strash;,&get,-n;,&nf,-D,800;,&put;,topo;,upsize,-D,800" in ys
    assert abc_script_text(("map {D}",), 120.5) == "map -D 120.5"


def test_retiming_passes_flops_through_abc_then_maps_them() -> None:
    lines = flow_script(Recipe(retime=True), **ARGS).splitlines()
    abc = next(i for i, line in enumerate(lines) if line.startswith("abc -dff"))
    assert abc < lines.index("dfflibmap -liberty L.lib") < lines.index("abc -liberty L.lib -fast t:$_NOT_")


def test_delay_target_is_a_fraction_of_the_reference_delay() -> None:
    assert delay_ps(DEFAULT, clock_period_ps=1000, ref_delay_ps=300) == 1000
    assert delay_ps(Recipe(delay_target=0.5), clock_period_ps=1000, ref_delay_ps=300) == 150
    assert delay_ps(Recipe(delay_target=0.5), clock_period_ps=1000, ref_delay_ps=None) == 1000


def test_keys_identify_recipes_and_their_front_end() -> None:
    a, b = Recipe(abc_script=("strash", "amap")), Recipe(abc_script=("strash", "amap"))
    assert a.key() == b.key() and a.key() != DEFAULT.key()
    assert a.front_key() == DEFAULT.front_key() != Recipe(flatten=False).front_key()


def test_bad_names_and_scripts_are_refused() -> None:
    with pytest.raises(RecipeError, match="invalid top"):
        flow_script(DEFAULT, **{**ARGS, "top": "x; shell"})
    with pytest.raises(RecipeError, match="inline"):
        flow_script(Recipe(abc_script=("read_lib a,b",)), **ARGS)


def test_standalone_script_carries_its_header_as_comments() -> None:
    text = standalone_script(DEFAULT, header="recipe x\narea 1", **ARGS)
    assert text.startswith("# recipe x\n# area 1\nread_verilog")
