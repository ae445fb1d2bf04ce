"""Suite loaders on fixtures written in each layout, quirks included (no simulator needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipsmith.benchmarks.adapters._common import SuiteError
from chipsmith.benchmarks.adapters.rtllm import task_id
from chipsmith.benchmarks.adapters.verilog_eval import interface_of, rename_reference
from chipsmith.benchmarks.suites_api import load_suite, parse_suite_spec, select_tasks
from helpers import require_shared_external, shared_external

pytestmark = pytest.mark.unit

DATA = Path(__file__).parents[2] / "data" / "bench"
EXTERNAL = shared_external()


def test_parse_suite_spec() -> None:
    assert parse_suite_spec("chipsmith-rtl") == ("chipsmith-rtl", None)
    assert parse_suite_spec("verilog-eval:/a/b:c") == ("verilog-eval", "/a/b:c")
    assert parse_suite_spec("rtllm:") == ("rtllm", None)


def test_chipsmith_rtl_format_loads_into_the_shared_task_shape() -> None:
    tasks = load_suite(f"chipsmith-rtl:{DATA / 'rtl_suite'}")
    assert [t.id for t in tasks] == ["adder8", "counter4", "popcnt8", "seqdet101"]
    counter = tasks[1]
    assert counter.category == "sequential" and counter.difficulty == "easy" and counter.kind == "rtl"
    assert counter.public.top == "counter4"
    assert counter.public.interface.startswith("module counter4(") and counter.public.interface.endswith(";")
    assert "4-bit up counter" in counter.public.spec
    assert set(counter.hidden.files) == {"tb.sv", "ref.v"}
    assert counter.hidden.settings["clock"] == "clk" and counter.hidden.settings["timeout_s"] == 30
    # The public view holds no hidden text.
    assert "Mismatches" not in counter.public.model_dump_json()


def test_verilog_eval_layout_and_reference_renaming() -> None:
    tasks = {t.id: t for t in load_suite(f"verilog-eval:{DATA / 'verilog_eval'}")}
    assert set(tasks) == {"Prob001_xor2", "Prob002_broken_ref", "Prob003_sva_dff"}
    xor2 = tasks["Prob001_xor2"]
    assert xor2.public.top == "TopModule" and xor2.hidden.tb_top == "tb"
    assert xor2.public.interface.startswith("module TopModule (")
    ref_top = xor2.hidden.files["reference_top.sv"].decode()
    assert "module TopModule" in ref_top and "RefModule" not in ref_top
    assert xor2.hidden.settings["compile_with"] == ["test.sv", "ref.sv"]


def test_rename_only_touches_the_declaration() -> None:
    src = "module RefModule(input a);\n  // RefModuleX stays\nendmodule\n"
    assert rename_reference(src) == "module TopModule(input a);\n  // RefModuleX stays\nendmodule\n"
    assert (
        interface_of("module RefModule (\n input a,\n output y\n);\nendmodule")
        == "module TopModule (\n input a,\n output y\n);"
    )


def test_rtllm_quirks() -> None:
    tasks = {t.id: t for t in load_suite(f"rtllm:{DATA / 'rtllm'}")}
    assert set(tasks) == {"broken_inv", "mux_2to1", "rom_lookup"}  # spaces -> _
    mux = tasks["mux_2to1"]
    assert mux.public.top == "mux2"  # verified_mux2.v in directory "mux 2to1"
    assert mux.hidden.tb_top == "tb_mux"  # not "testbench"
    assert (mux.category, mux.subcategory) == ("rtllm", None)  # a flat layout has no categories
    rom = tasks["rom_lookup"]
    assert rom.hidden.settings["data_files"] == ["expected.hex"]
    assert rom.hidden.files["expected.hex"].startswith(b"00\n01\n04")
    assert task_id("  a b/c ") == "a_b_c"


def test_task_glob_selection() -> None:
    tasks = load_suite(f"chipsmith-rtl:{DATA / 'rtl_suite'}")
    assert [t.id for t in select_tasks(tasks, "*8")] == ["adder8", "popcnt8"]
    assert [t.id for t in select_tasks(tasks, "adder8, seq*")] == ["adder8", "seqdet101"]
    assert select_tasks(tasks, None) == tasks


def test_bad_suites_give_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(SuiteError, match="unknown suite 'nope'"):
        load_suite("nope")
    with pytest.raises(SuiteError, match="needs a path"):
        load_suite("verilog-eval")
    with pytest.raises(SuiteError, match="no ProbNNN"):
        load_suite(f"verilog-eval:{tmp_path}")
    bad = tmp_path / "t1"
    bad.mkdir()
    (bad / "task.toml").write_text("id = [unclosed")
    for name in ("spec.md", "tb.sv", "ref.v"):
        (bad / name).write_text("x")
    with pytest.raises(SuiteError, match="task.toml"):
        load_suite(f"chipsmith-rtl:{tmp_path}")
    (bad / "ref.v").unlink()
    with pytest.raises(SuiteError, match="lacks ref.v"):
        load_suite(f"chipsmith-rtl:{tmp_path}")


def test_shared_external_problems_load() -> None:
    require_shared_external()
    ve = load_suite(f"verilog-eval:{EXTERNAL / 'verilog-eval-format'}")
    assert len(ve) >= 4 and all(t.public.top == "TopModule" for t in ve)
    rt = load_suite(f"rtllm:{EXTERNAL / 'rtllm-format'}")
    assert {t.public.top for t in rt} >= {"popcount4", "gray2bin4"}
