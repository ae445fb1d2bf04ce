"""Generates ``chipsmith_generic45.lib``, chipsmith's own small generic cell library.

Run ``python -m chipsmith.tools.liberty._make_generic45`` after changing a figure below; the .lib
file is committed so that the product never runs this at synthesis time.

The numbers are not a characterised process: they are hand-chosen to sit in the ranges that
public 45 nm-class sources give, so that area, delay and power come out in the right orders of
magnitude (see HEADER for the sources). Each cell is described by a few parameters and the
2x2 NLDM tables are computed from a linear model:

    delay(slew, load) = intrinsic + drive_res * load + 0.15 * slew
    transition(slew, load) = 6 + 2.2 * drive_res * load + 0.05 * slew
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

SLEWS_PS = (10.0, 100.0)
LOADS_FF = (1.0, 10.0)

HEADER = """/*
 * chipsmith_generic45: a small generic 45 nm-class standard-cell library written for chipsmith.
 * Licence: Apache-2.0, like the rest of chipsmith. Written from scratch; no vendor or PDK
 * library file was copied.
 *
 * It is NOT a characterised process. Area, delay, capacitance and power are hand-chosen to sit
 * in the ranges given by public sources for 45 nm-class CMOS, so PPA figures have the right
 * orders of magnitude and relative costs:
 *  - N. Weste, D. Harris, "CMOS VLSI Design", 4th ed., 2011: FO4 inverter delay of roughly
 *    15-25 ps at 45 nm; gate capacitance about 1 fF/um; relative logical effort of NAND/NOR/XOR.
 *  - J. Stine et al., "FreePDK: An Open-Source Variation-Aware Design Kit", MSE 2007 (the NCSU
 *    FreePDK45 kit): 45 nm ground rules, giving X1 cell footprints of about 0.5-1 um^2 for simple
 *    gates and about 4-5 um^2 for a flip-flop.
 *  - ITRS 2007/2009 PIDS tables for 45 nm high-performance logic: VDD about 1.0-1.1 V and
 *    sub-threshold leakage in the tens of nA per minimum device.
 * Each table is 2x2 (input transition 10/100 ps x load 1/10 fF), computed from a linear model
 * in chipsmith/tools/liberty/_make_generic45.py, which generates this file.
 * Units: time ps, capacitance fF, leakage nW, internal energy fJ, voltage V.
 */
"""

LIB_ATTRS = """library (chipsmith_generic45) {
  delay_model : table_lookup;
  time_unit : "1ps";
  voltage_unit : "1V";
  current_unit : "1mA";
  pulling_resistance_unit : "1kohm";
  leakage_power_unit : "1nW";
  capacitive_load_unit (1,ff);
  nom_process : 1;
  nom_temperature : 25;
  nom_voltage : 1.1;
  operating_conditions (typical) {
    process : 1;
    temperature : 25;
    voltage : 1.1;
  }
  default_operating_conditions : typical;
  input_threshold_pct_rise : 50;
  input_threshold_pct_fall : 50;
  output_threshold_pct_rise : 50;
  output_threshold_pct_fall : 50;
  slew_lower_threshold_pct_rise : 20;
  slew_lower_threshold_pct_fall : 20;
  slew_upper_threshold_pct_rise : 80;
  slew_upper_threshold_pct_fall : 80;
  slew_derate_from_library : 1;
  default_max_transition : 500;
  default_fanout_load : 1;
  default_cell_leakage_power : 0;
  default_input_pin_cap : 1.5;
  default_output_pin_cap : 0;
  lu_table_template (tmpl_2x2) {
    variable_1 : input_net_transition;
    variable_2 : total_output_net_capacitance;
    index_1 ("10, 100");
    index_2 ("1, 10");
  }
  lu_table_template (constraint_2x2) {
    variable_1 : constrained_pin_transition;
    variable_2 : related_pin_transition;
    index_1 ("10, 100");
    index_2 ("10, 100");
  }
  power_lut_template (power_2x2) {
    variable_1 : input_transition_time;
    variable_2 : total_output_net_capacitance;
    index_1 ("10, 100");
    index_2 ("1, 10");
  }
"""


@dataclass
class Comb:
    """A combinational cell: inputs with their timing sense towards output ``out``."""

    name: str
    area: float
    function: str
    inputs: dict[str, str]  # pin -> timing_sense
    intrinsic_ps: float
    drive_kohm: float = 2.0
    cap_ff: float = 1.6
    leak_nw: float = 20.0
    energy_fj: float = 0.6
    out: str = "Y"


@dataclass
class Flop:
    """A rising-edge D flip-flop; ``clear``/``preset`` name active-low async pins."""

    name: str
    area: float
    clear: str | None = None
    preset: str | None = None
    leak_nw: float = 80.0
    extra: list[str] = field(default_factory=list)


CELLS: list[Comb | Flop] = [
    Comb("INV_X1", 0.532, "!A", {"A": "negative_unate"}, 7.0, leak_nw=14.0, energy_fj=0.35),
    Comb("BUF_X1", 0.798, "A", {"A": "positive_unate"}, 18.0, leak_nw=22.0, energy_fj=0.7),
    Comb("NAND2_X1", 0.798, "!(A&B)", dict.fromkeys("AB", "negative_unate"), 9.0, 2.4, leak_nw=18.0),
    Comb("NOR2_X1", 0.798, "!(A|B)", dict.fromkeys("AB", "negative_unate"), 11.0, 3.0, leak_nw=16.0),
    Comb("AND2_X1", 1.064, "(A&B)", dict.fromkeys("AB", "positive_unate"), 22.0, leak_nw=30.0),
    Comb("OR2_X1", 1.064, "(A|B)", dict.fromkeys("AB", "positive_unate"), 25.0, leak_nw=28.0),
    Comb("XOR2_X1", 1.596, "(A^B)", dict.fromkeys("AB", "non_unate"), 28.0, 2.6, 2.2, 40.0, 1.2),
    Comb("XNOR2_X1", 1.596, "!(A^B)", dict.fromkeys("AB", "non_unate"), 28.0, 2.6, 2.2, 40.0, 1.2),
    Comb(
        "MUX2_X1",
        1.862,
        "((S&B)|(!S&A))",
        {"A": "positive_unate", "B": "positive_unate", "S": "non_unate"},
        30.0,
        2.4,
        1.8,
        45.0,
        1.3,
    ),
    Comb("AOI21_X1", 1.064, "!((A&B)|C)", dict.fromkeys("ABC", "negative_unate"), 13.0, 3.2, leak_nw=24.0),
    Comb("OAI21_X1", 1.064, "!((A|B)&C)", dict.fromkeys("ABC", "negative_unate"), 13.0, 3.2, leak_nw=24.0),
    Comb("TIEHI_X1", 0.532, "1", {}, 0.0, leak_nw=8.0, out="Z"),
    Comb("TIELO_X1", 0.532, "0", {}, 0.0, leak_nw=8.0, out="Z"),
    Flop("DFF_X1", 4.522),
    Flop("DFFR_X1", 5.320, clear="RN"),
    Flop("DFFS_X1", 5.320, preset="SN"),
]


def _fmt(v: float) -> str:
    return f"{v:.3f}".rstrip("0").rstrip(".")


def _table(kind: str, tmpl: str, f: object, ind: str) -> str:
    """A 2x2 table ``kind (tmpl) { values(...) }`` with values f(slew, load)."""
    rows = ", ".join('"' + ", ".join(_fmt(f(s, c)) for c in LOADS_FF) + '"' for s in SLEWS_PS)  # type: ignore[operator]
    return f"{ind}{kind} ({tmpl}) {{\n{ind}  values ({rows});\n{ind}}}\n"


def _arc_tables(intrinsic: float, res: float, ind: str) -> str:
    def delay(s: float, c: float) -> float:
        return intrinsic + res * c + 0.15 * s

    def trans(s: float, c: float) -> float:
        return 6 + 2.2 * res * c + 0.05 * s

    out = ""
    for edge, skew in (("rise", 1.1), ("fall", 0.9)):
        out += _table(f"cell_{edge}", "tmpl_2x2", lambda s, c, k=skew: k * delay(s, c), ind)
        out += _table(f"{edge}_transition", "tmpl_2x2", lambda s, c, k=skew: k * trans(s, c), ind)
    return out


def _power(related: str, energy: float, ind: str) -> str:
    """Internal energy per output transition grows with input slew and (slightly) with load."""

    def e(s: float, c: float) -> float:
        return energy * (1 + s / 200) + 0.02 * c

    body = _table("rise_power", "power_2x2", e, ind + "  ") + _table("fall_power", "power_2x2", e, ind + "  ")
    return f'{ind}internal_power () {{\n{ind}  related_pin : "{related}";\n{body}{ind}}}\n'


def comb_cell(c: Comb) -> str:
    s = f"  cell ({c.name}) {{\n    area : {_fmt(c.area)};\n    cell_leakage_power : {_fmt(c.leak_nw)};\n"
    for pin in c.inputs:
        s += f"    pin ({pin}) {{\n      direction : input;\n      capacitance : {_fmt(c.cap_ff)};\n    }}\n"
    s += f'    pin ({c.out}) {{\n      direction : output;\n      function : "{c.function}";\n'
    s += "      max_capacitance : 60;\n"
    for pin, sense in c.inputs.items():
        s += f'      timing () {{\n        related_pin : "{pin}";\n        timing_sense : {sense};\n'
        s += _arc_tables(c.intrinsic_ps, c.drive_kohm, "        ") + "      }\n"
        s += _power(pin, c.energy_fj, "      ")
    return s + "    }\n  }\n"


def _constraint(kind: str, base: float, ind: str) -> str:
    return _table(kind, "constraint_2x2", lambda s, r: base + 0.1 * s + 0.05 * r, ind)


def flop_cell(f: Flop) -> str:
    ff = '    ff (IQ, IQN) {\n      next_state : "D";\n      clocked_on : "CK";\n'
    if f.clear:
        ff += f'      clear : "!{f.clear}";\n'
    if f.preset:
        ff += f'      preset : "!{f.preset}";\n'
    s = f"  cell ({f.name}) {{\n    area : {_fmt(f.area)};\n    cell_leakage_power : {_fmt(f.leak_nw)};\n"
    s += ff + "    }\n"
    s += "    pin (CK) {\n      direction : input;\n      clock : true;\n      capacitance : 1.0;\n"
    s += _power_input("      ", 0.9) + "    }\n"
    s += "    pin (D) {\n      direction : input;\n      capacitance : 1.1;\n"
    for kind, base in (("setup_rising", 18.0), ("hold_rising", 4.0)):
        s += f'      timing () {{\n        related_pin : "CK";\n        timing_type : {kind};\n'
        s += _constraint("rise_constraint", base, "        ") + _constraint(
            "fall_constraint", base, "        "
        )
        s += "      }\n"
    s += "    }\n"
    for async_pin in (p for p in (f.clear, f.preset) if p):
        s += f"    pin ({async_pin}) {{\n      direction : input;\n      capacitance : 1.2;\n"
        for kind, base in (("recovery_rising", 20.0), ("removal_rising", 6.0)):
            s += f'      timing () {{\n        related_pin : "CK";\n        timing_type : {kind};\n'
            s += _constraint("rise_constraint", base, "        ") + "      }\n"
        s += "    }\n"
    for out, fn in (("Q", "IQ"), ("QN", "IQN")):
        s += f'    pin ({out}) {{\n      direction : output;\n      function : "{fn}";\n      max_capacitance : 60;\n'
        s += '      timing () {\n        related_pin : "CK";\n        timing_type : rising_edge;\n'
        s += _arc_tables(45.0, 2.2, "        ") + "      }\n"
        for arc_pin, kind in ((f.clear, "clear"), (f.preset, "preset")):
            if arc_pin:
                # Clearing drives Q low (QN high): the arc's sense depends on which output it is.
                sense = "positive_unate" if (kind == "clear") == (out == "Q") else "negative_unate"
                s += (
                    f'      timing () {{\n        related_pin : "{arc_pin}";\n        timing_type : {kind};\n'
                )
                s += f"        timing_sense : {sense};\n" + _arc_tables(35.0, 2.2, "        ") + "      }\n"
        s += _power("CK", 1.5, "      ") + "    }\n"
    return s + "  }\n"


def _power_input(ind: str, energy: float) -> str:
    """Clock-pin energy burnt inside the flop on every clock edge, even when Q holds."""
    v = _fmt(energy)
    return (
        f'{ind}internal_power () {{\n{ind}  rise_power (scalar) {{ values ("{v}"); }}\n'
        f'{ind}  fall_power (scalar) {{ values ("{v}"); }}\n{ind}}}\n'
    )


def render() -> str:
    """Pure: the whole library text."""
    body = "".join(comb_cell(c) if isinstance(c, Comb) else flop_cell(c) for c in CELLS)
    return HEADER + LIB_ATTRS + body + "}\n"


if __name__ == "__main__":
    out = Path(__file__).with_name("chipsmith_generic45.lib")
    out.write_text(render())
    print(f"wrote {out}")
