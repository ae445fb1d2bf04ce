"""Buffer and tie cells are found in liberty text, and become yosys fix-up commands."""

from __future__ import annotations

import pytest

from chipsmith.tools.liberty import bundled_liberty, read_liberty
from chipsmith.tools.liberty._helpers import HelperCells, helper_cells, netlist_fixups

pytestmark = pytest.mark.unit

LIB = """library (t) {
  cell (BIGBUF) { area : 4; pin (I) { direction : input; } pin (O) { direction : output; function : "I"; } }
  cell (SMALLBUF) { area : 1; pin (A) { direction : input; } pin (Y) { direction : output; function : "A"; } }
  cell (INV) { area : 1; pin (A) { direction : input; } pin (Y) { direction : output; function : "!A"; } }
  cell (HI) { area : 1; pin (H) { direction : output; function : "1"; } }
  cell (LO) { area : 1; pin (L) { direction : output; function : "0"; } }
  cell (DFF) { area : 5; ff (IQ, IQN) { next_state : "D"; clocked_on : "CK"; }
    pin (D) { direction : input; } pin (CK) { direction : input; } pin (Q) { direction : output; function : "IQ"; } }
}
"""


def test_smallest_buffer_and_tie_cells():
    cells = helper_cells(LIB)
    assert cells == HelperCells(buf=("SMALLBUF", "A", "Y"), tiehi=("HI", "H"), tielo=("LO", "L"))


def test_bundled_library_has_all_helper_cells():
    cells = helper_cells(read_liberty(bundled_liberty()))
    assert cells.buf and cells.tiehi and cells.tielo


def test_fixups_without_helper_cells_only_purge():
    assert netlist_fixups(HelperCells()) == ["opt_clean -purge"]
    cmds = netlist_fixups(helper_cells(LIB))
    assert cmds[1] == "hilomap -singleton -hicell HI H -locell LO L"
    assert cmds[2] == "insbuf -buf SMALLBUF A Y"
