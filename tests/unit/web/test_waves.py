"""Waveform windows: decimation, radix, the default selection, the mismatch mark, and the API."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from chipsmith.web.api_waves import mismatch_mark
from chipsmith.web.waves import default_signals, fmt, row, value_at, window

pytestmark = pytest.mark.unit
DATA = Path(__file__).parent / "data"


def test_a_window_with_few_changes_keeps_them_all():
    sig = [(0, 0), (10, 1), (20, 0), (30, 1)]
    assert window(sig, 5, 25, 100) == [(5, 0), (10, 1), (20, 0)]
    assert window(sig, 30, 40, 100) == [(30, 1)]
    assert value_at(sig, 9) == 0 and value_at(sig, 10) == 1 and value_at([(5, 1)], 4) is None


def test_dense_stretches_become_busy_spans_then_the_settled_value():
    clock = [(t, t // 5 % 2) for t in range(0, 10_000, 5)]  # 2,000 changes
    out = window(clock, 0, 10_000, 10)
    assert len(out) < 30
    assert out[0] == (0, 0) and out[1][1] is None  # busy from the first change on
    busy = [t for t, v in out if v is None]
    assert busy == [5]  # adjacent busy buckets merge into one span
    assert out[-1] == (9995, 1)  # the value it settled to


def test_a_quiet_bucket_between_busy_ones_shows_the_value_held():
    sig = [(1, 1), (2, 0), (3, 1), (50, 0), (51, 1), (52, 0)]
    out = window(sig, 0, 60, 5)  # buckets of 12: busy, quiet, quiet, quiet, busy
    assert out == [(0, None), (1, None), (3, 1), (50, None), (52, 0)]


@pytest.mark.parametrize(
    ("value", "width", "radix", "text"),
    [(5, 4, "hex", "5"), (5, 4, "bin", "0101"), (13, 4, "dec", "13"), (13, 4, "sdec", "-3"),
     (1, 1, "hex", "1"), ("x", 1, "hex", "x"), ("1x01", 4, "hex", "x"), ("zzzz", 4, "dec", "z"),
     ("10", 4, "bin", "0010"), (255, 8, "sdec", "-1"), (None, 4, "hex", "x"), (0.5, 64, "hex", "0.5")],
)  # fmt: skip
def test_values_in_each_radix(value, width, radix, text):
    assert fmt(value, width, radix) == text


def test_the_first_entry_of_a_row_is_unknown_before_the_first_change():
    r = row("tb.q", 4, [(10, 3)], 0, 20, 100, "hex")
    assert r == {"name": "tb.q", "width": 4, "changes": [[0, "x"], [10, "3"]]}


def test_default_signals_show_the_design_with_the_expected_value_after_a_differing_output():
    names = {"tb.clk": 1, "tb.sum_exp": 8, "tb.dut.a": 8, "tb.dut.sum": 8, "tb.dut.clk": 1, "tb.model.sum": 8}
    picked = default_signals(names, ["tb", "tb.dut", "tb.model"], ["sum"])
    assert picked == ["tb.dut.clk", "tb.dut.a", "tb.dut.sum", "tb.sum_exp"]


def test_the_mark_is_the_latest_failing_check_of_that_waveform():
    from chipsmith.agents.session_models import CheckRecord

    def check(i, vcd, passed, t):
        return CheckRecord(id=f"c{i}", turn=1, kind="testbench", subject="rtl/x.v", subject_sha="s", passed=passed,
                           summary="s", details={"vcd": vcd, "first_mismatch_time": t, "timescale": "1ps"})  # fmt: skip

    assert mismatch_mark([check(1, "sim/x.vcd", False, 50)], "sim/x.vcd")["time"] == 50
    assert (
        mismatch_mark([check(1, "sim/x.vcd", False, 50), check(2, "sim/x.vcd", True, None)], "sim/x.vcd")
        is None
    )
    assert mismatch_mark([check(1, "sim/y.vcd", False, 50)], "sim/x.vcd") is None


def _add_vcd(session, failing_at: int | None) -> None:
    from chipsmith.agents.session_models import CheckRecord
    from chipsmith.agents.session_store import append_jsonl

    (session.workspace.root / "sim").mkdir(exist_ok=True)
    shutil.copy(DATA / "counter4.vcd", session.workspace.root / "sim" / "counter4.vcd")
    record = CheckRecord(
        id="c1-1", turn=1, kind="testbench", subject="rtl/counter4.v", subject_sha="0" * 64,
        passed=failing_at is None, summary="testbench tb/counter4_tb.sv on rtl/counter4.v: FAIL",
        details={"vcd": "sim/counter4.vcd", "first_mismatch_time": failing_at, "timescale": "1ps", "differing": []},
    )  # fmt: skip
    append_jsonl(session.paths.checks, record)


def test_meta_and_window_over_the_api(api, session):
    _add_vcd(session, 110000)
    base = f"/api/s/{session.id}"
    assert api.get(f"{base}/waves").json()["files"] == [{"path": "sim/counter4.vcd", "size": 2026}]
    meta = api.get(f"{base}/wave/meta", params={"path": "sim/counter4.vcd"}).json()
    assert meta["timescale"] == "1ps" and meta["mark"]["time"] == 110000
    assert meta["default"] == ["tb.dut.clk", "tb.dut.rst", "tb.dut.q"] and meta["end"] > 110000
    q = {
        "path": "sim/counter4.vcd",
        "signals": ["tb.dut.q", "tb.nope"],
        "t0": 100000,
        "t1": 130000,
        "radix": "dec",
    }
    data = api.get(f"{base}/wave/window", params=q).json()
    assert data["missing"] == ["tb.nope"]
    assert data["rows"][0]["changes"] == [[100000, "9"], [105000, "0"], [115000, "1"], [125000, "2"]]


def test_bad_waveform_requests_get_one_line(api, session):
    _add_vcd(session, None)
    base = f"/api/s/{session.id}"
    (session.workspace.root / "sim" / "junk.vcd").write_text("this is not a waveform\n")
    r = api.get(f"{base}/wave/meta", params={"path": "sim/junk.vcd"})
    assert r.status_code == 422 and "not a readable" in r.json()["detail"]
    assert api.get(f"{base}/wave/meta", params={"path": "rtl/inv.v"}).status_code == 404
    assert api.get(f"{base}/wave/meta", params={"path": "../x.vcd"}).status_code == 400
    q = {"path": "sim/counter4.vcd", "signals": ["tb.dut.q"], "t0": 10, "t1": 5}
    assert api.get(f"{base}/wave/window", params=q).status_code == 400
    assert api.get(f"{base}/wave/meta", params={"path": "sim/counter4.vcd"}).json()["mark"] is None


def test_a_waveform_cut_short_by_a_killed_simulation_is_still_shown(api, session):
    _add_vcd(session, None)
    text = (DATA / "counter4.vcd").read_text()
    (session.workspace.root / "sim" / "cut.vcd").write_text(
        text[: int(len(text) * 0.7)].rsplit("\n", 1)[0] + "\n#"
    )
    meta = api.get(f"/api/s/{session.id}/wave/meta", params={"path": "sim/cut.vcd"})
    assert meta.status_code == 200 and "tb.dut.q" in meta.json()["signals"]


def test_a_damaged_tail_that_makes_pywellen_panic_is_read_by_the_tolerant_reader(api, session):
    # an unknown signal id in the body: pywellen 0.25 panics (PanicException, a BaseException)
    _add_vcd(session, None)
    text = (DATA / "counter4.vcd").read_text()
    (session.workspace.root / "sim" / "bad.vcd").write_text(text.rsplit("\n", 5)[0] + "\n1~~\n#99\n")
    meta = api.get(f"/api/s/{session.id}/wave/meta", params={"path": "sim/bad.vcd"})
    assert meta.status_code == 200, meta.text
    q = {"path": "sim/bad.vcd", "signals": ["tb.dut.q"], "t0": 100000, "t1": 125000, "buckets": 100}
    rows = api.get(f"/api/s/{session.id}/wave/window", params=q).json()["rows"]
    assert rows[0]["changes"][:2] == [[100000, "9"], [105000, "0"]]


def test_a_rewritten_waveform_is_read_again(tmp_path):
    from chipsmith.web.wave_store import WaveStore

    path = tmp_path / "w.vcd"
    shutil.copy(DATA / "counter4.vcd", path)
    store = WaveStore()
    first = store.get(path)
    assert store.get(path) is first
    time.sleep(0.01)
    path.write_text(path.read_text() + "#999999\n")
    assert store.get(path) is not first
