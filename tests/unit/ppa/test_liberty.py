"""Liberty helpers and the bundled library (pure: no external tool)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from chipsmith.tools.liberty import (
    LibertyError,
    bundled_liberty,
    cell_names,
    load_liberties,
    merge_liberties,
    read_liberty,
    repair_templates,
)
from chipsmith.tools.liberty._make_generic45 import render

pytestmark = pytest.mark.unit

MINI = """library (mini) {
  time_unit : "1ps";
  lu_table_template (delay_7x7_x1) {
    variable_1 : input_net_transition;
    index_1 ("1, 2");
  }
  cell (INVA) {
    area : 1;
    pin (Y) { direction : output; function : "!A";
      timing () { cell_rise (delay_7x7) { values ("1, 2"); } } }
  }
}
"""


def test_bundled_library_has_the_promised_cells_and_matches_its_generator() -> None:
    text = read_liberty(bundled_liberty())
    names = set(cell_names(text))
    wanted = {
        "INV_X1",
        "BUF_X1",
        "NAND2_X1",
        "NOR2_X1",
        "AND2_X1",
        "OR2_X1",
        "XOR2_X1",
        "XNOR2_X1",
        "MUX2_X1",
    }
    wanted |= {"AOI21_X1", "OAI21_X1", "DFF_X1", "DFFR_X1", "DFFS_X1", "TIEHI_X1", "TIELO_X1"}
    assert wanted <= names
    assert text == render(), "regenerate: python -m chipsmith.tools.liberty._make_generic45"
    for attr in ("cell_leakage_power", "internal_power", 'time_unit : "1ps"'):
        assert attr in text


def test_repair_defines_a_missing_template_from_its_longer_namesake() -> None:
    fixed = repair_templates(MINI)
    assert "lu_table_template (delay_7x7) {" in fixed
    assert fixed.index("(delay_7x7) {") < fixed.index("cell (INVA)")
    assert repair_templates(fixed) == fixed  # nothing left to repair


def test_merge_keeps_first_header_and_all_cells(tmp_path: Path) -> None:
    other = MINI.replace("library (mini)", "library (other)").replace("INVA", "INVB")
    other = other.replace("delay_7x7_x1", "tmpl_b")
    merged = merge_liberties([MINI, other])
    assert merged.startswith("library (mini)")
    assert cell_names(merged) == ["INVA", "INVB"]
    assert "lu_table_template (tmpl_b)" in merged
    assert merged.count("{") == merged.count("}")


def test_read_gzipped_and_errors(tmp_path: Path) -> None:
    gz = tmp_path / "mini.lib.gz"
    gz.write_bytes(gzip.compress(MINI.encode()))
    assert cell_names(read_liberty(gz)) == ["INVA"]
    with pytest.raises(LibertyError, match="not found"):
        read_liberty(tmp_path / "missing.lib")
    junk = tmp_path / "junk.lib"
    junk.write_text("module x; endmodule\n")
    with pytest.raises(LibertyError, match="not a liberty library"):
        read_liberty(junk)
    bad_gz = tmp_path / "bad.lib.gz"
    bad_gz.write_bytes(b"\x1f\x8bnot really gzip")
    with pytest.raises(LibertyError, match="corrupt gzip"):
        read_liberty(bad_gz)


def test_load_defaults_to_the_bundled_library() -> None:
    text, names = load_liberties(None)
    assert names == [str(bundled_liberty())]
    assert "library (chipsmith_generic45)" in text
