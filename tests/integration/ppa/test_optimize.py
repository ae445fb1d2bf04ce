"""`chipsmith optimize` with the real yosys, ABC and OpenSTA: proofs, history, outputs, bad input."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chipsmith.cli import app
from chipsmith.tools.equivalence import check_equivalence
from chipsmith.tools.liberty import _FIRST_CELL_RE, _group_at, bundled_liberty
from chipsmith.tools.optimize import search as search_mod
from chipsmith.tools.optimize.evaluate import Evaluation, OptimizeError
from chipsmith.tools.optimize.recipe import DEFAULT
from chipsmith.tools.optimize.run import OptimizeConfig, optimize
from helpers import require_tool

pytestmark = pytest.mark.integration

SUITE = Path(__file__).parents[3] / "src" / "chipsmith" / "benchmarks" / "suites" / "chipsmith_rtl"
EXAMPLES = Path(__file__).parents[3] / "examples" / "ppa"


@pytest.fixture(autouse=True)
def _tools() -> None:
    require_tool("yosys", "yosys-abc", "sta")


def ref(task: str) -> dict[str, bytes]:
    return {f"{task}.v": (SUITE / task / "ref.v").read_bytes()}


def quick(**kw: object) -> OptimizeConfig:
    return OptimizeConfig(**{"budget_s": 5.0, "jobs": 2, "max_evaluations": 8, "verify_timeout_s": 60, **kw})


def test_adder_best_and_front_are_proven_and_the_history_seeds_the_next_run(
    local_sandbox, tmp_path: Path
) -> None:
    first = optimize(ref("adder8"), top="adder8", config=quick(), home=tmp_path, sandbox=local_sandbox)
    assert first.best is not None and first.best.proven is True and first.best.ratio <= 1.0
    assert first.front and all(c.proven for c in first.front)
    assert first.best.key in {c.key for c in first.front} or first.goal != "adp"
    assert first.evaluations >= 2 and first.history_seeds == 0
    assert first.baseline.key == DEFAULT.key()
    second = optimize(
        ref("adder8"), top="adder8", config=quick(max_evaluations=3), home=tmp_path, sandbox=local_sandbox
    )
    assert second.history_seeds >= 1
    assert len((tmp_path / "optimizer" / "recipes.jsonl").read_text().splitlines()) == 2


def test_sequential_design_is_proven_by_induction(local_sandbox) -> None:
    res = optimize(ref("counter8"), top="counter8", config=quick(), sandbox=local_sandbox)
    assert res.best is not None and "abc-induction" in res.best.proof


def test_a_non_equivalent_result_is_discarded_and_counted(local_sandbox, monkeypatch) -> None:
    real = search_mod.evaluate

    def corrupt(*args: object, **kw: object) -> Evaluation:
        ev = real(*args, **kw)  # type: ignore[arg-type]
        if ev.index == 0 or not ev.ok or not ev.netlist:
            return ev
        # Swap one XOR for an XNOR (a wrong netlist) and make it look like the best result.
        bad = re.sub(r"\bXOR2_X1\b", "XNOR2_X1", ev.netlist, count=1)
        assert bad != ev.netlist
        return ev.model_copy(update={"netlist": bad, "area_um2": (ev.area_um2 or 1) * 0.5})

    monkeypatch.setattr(search_mod, "evaluate", corrupt)
    res = optimize(ref("adder8"), top="adder8", config=quick(max_evaluations=4), sandbox=local_sandbox)
    assert res.equivalence.failed >= 1
    assert all(c.proven is False for c in res.discarded)
    # Only the untouched default flow is proven: it is the best reported, nothing wrong is shown.
    assert res.best is not None and res.best.index == 0 and res.best.proven is True
    assert all(c.index == 0 for c in res.front)


def test_best_script_is_standalone_and_reproduces_the_area(local_sandbox, tmp_path: Path) -> None:
    res = optimize(ref("alu8"), top="alu8", config=quick(), sandbox=local_sandbox)
    assert res.best is not None and res.best_script and res.best_netlist
    (tmp_path / "alu8.v").write_bytes(ref("alu8")["alu8.v"])
    (tmp_path / "best.ys").write_text(res.best_script)
    out = subprocess.run(
        ["yosys", "-s", "best.ys"], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr[-400:]
    area = float(re.findall(r"Chip area for (?:top )?module '\\?alu8':\s+([0-9.]+)", out.stdout)[-1])
    assert area == pytest.approx(res.best.area_um2, rel=1e-6)
    assert (tmp_path / "optimized_netlist.v").read_text() == res.best_netlist


def _without_flops(tmp_path: Path) -> Path:
    text = bundled_liberty().read_text()
    start = _FIRST_CELL_RE.search(text)
    assert start is not None
    kept = [g for m in _FIRST_CELL_RE.finditer(text) if "ff (" not in (g := _group_at(text, m.start()))]
    path = tmp_path / "noflops.lib"
    path.write_text(text[: start.start()] + "\n".join(kept) + "\n}\n")
    return path


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("syntax", r"does not synthesize.*syntax error"),
        ("top", r"Module `nope' not found"),
        ("budget", r"budget must be a positive"),
        ("liberty", r"library lacks cells this design needs.*flip-flops are not supported"),
    ],
)
def test_bad_input_is_one_clear_line(case: str, message: str, local_sandbox, tmp_path: Path) -> None:
    sources, top, cfg, lib = ref("counter8"), "counter8", quick(), None
    if case == "syntax":
        sources = {"bad.v": b"module m(input a, output y);\n assign y = a +;\nendmodule\n"}
        top = "m"
    elif case == "top":
        top = "nope"
    elif case == "budget":
        cfg = quick(budget_s=0)
    else:
        lib = [_without_flops(tmp_path)]
    with pytest.raises(OptimizeError, match=message) as info:
        optimize(sources, top=top, liberty=lib, config=cfg, sandbox=local_sandbox)
    assert "\n" not in str(info.value)


def test_cli_writes_the_outputs_and_reports_one_line_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    src = SUITE / "adder8" / "ref.v"
    ok = runner.invoke(
        app,
        [
            "optimize",
            str(src),
            "--top",
            "adder8",
            "--budget",
            "4",
            "--out",
            str(tmp_path / "o"),
            "--no-history",
        ],
    )
    assert ok.exit_code == 0, ok.output
    assert "default flow" in ok.stdout and "proven" in ok.stdout
    assert {p.name for p in (tmp_path / "o").iterdir()} >= {"best.ys", "optimized_netlist.v", "report.json"}
    args = ["optimize", str(src), "--top", "adder8", "--budget", "3", "--jobs", "1", "--clock-period", "800"]
    js = runner.invoke(app, [*args, "--json", "--no-history", "--out", str(tmp_path / "j")])
    assert js.exit_code == 0, js.output
    data = json.loads(js.stdout)
    assert data["best"]["proven"] is True and data["goal"] == "adp" and data["jobs"] == 1
    assert data["clock_period_ps"] == 800
    bad = runner.invoke(app, ["optimize", str(src), "--top", "adder8", "--budget", "0"])
    assert bad.exit_code == 2 and bad.stderr.strip().count("\n") == 0 and "budget" in bad.stderr


def test_abc_engine_verdicts_on_the_examples(local_sandbox) -> None:
    def check(gate: str) -> bool | None:
        gold = {"adder16.v": (EXAMPLES / "adder16.v").read_bytes()}
        other = {gate: (EXAMPLES / gate).read_bytes()}
        return check_equivalence(
            gold, other, top="adder16", gate_top=gate[:-2], engine="abc", sandbox=local_sandbox
        ).equivalent

    assert check("ripple16.v") is True
    assert check("ripple16_bug.v") is False


def test_inverted_output_flops_of_asap7_are_proven(local_sandbox, asap7_lib: Path) -> None:
    res = optimize(
        ref("sram16x8"),
        top="sram16x8",
        liberty=[asap7_lib],
        config=quick(max_evaluations=3),
        sandbox=local_sandbox,
    )
    assert res.best is not None and res.best.proven is True
    with pytest.raises(OptimizeError, match="liberty file not found"):
        optimize(
            ref("adder8"),
            top="adder8",
            liberty=[asap7_lib.with_name("missing.lib")],
            config=quick(),
            sandbox=local_sandbox,
        )


def test_the_default_recipe_measures_exactly_what_chipsmith_synth_does(local_sandbox) -> None:
    from chipsmith.tools.optimize.evaluate import Design, evaluate, prepare_library
    from chipsmith.tools.optimize.recipe import DEFAULT
    from chipsmith.tools.synthesize import synthesize

    src = ref("counter8")
    plain = synthesize(src, top="counter8", sandbox=local_sandbox)
    lib = prepare_library(None, local_sandbox)
    ev = evaluate(DEFAULT, Design(sources=src, top="counter8"), lib, index=0, clock_period_ps=1000,
                  ref_delay_ps=None, sandbox=local_sandbox, timeout_s=120)  # fmt: skip
    assert (ev.area_um2, ev.delay_ps, ev.power_w, ev.cell_count) == (
        plain.area_um2,
        plain.delay_ps,
        plain.power_w,
        plain.cell_count,
    )
    assert lib.gain_delays is False  # the bundled 2x2-table library: ABC's `map` would abort


FA = b"module fa(input a, input b, input ci, output s, output co);\n  assign {co, s} = a + b + ci;\nendmodule\n"
RCA4 = b"""module rca4(input [3:0] a, input [3:0] b, input ci, output [3:0] s, output co);
  wire [4:0] c;
  assign c[0] = ci;
  genvar i;
  generate for (i = 0; i < 4; i = i + 1) begin : g
    fa u(.a(a[i]), .b(b[i]), .ci(c[i]), .s(s[i]), .co(c[i + 1]));
  end endgenerate
  assign co = c[4];
endmodule
"""


def test_an_unseen_hierarchical_design_is_seeded_from_the_nearest_design_in_the_history(
    local_sandbox, tmp_path: Path
) -> None:
    optimize(
        ref("adder8"), top="adder8", config=quick(max_evaluations=4), home=tmp_path, sandbox=local_sandbox
    )
    res = optimize(
        {"fa.v": FA, "rca4.v": RCA4}, top="rca4", config=quick(), home=tmp_path, sandbox=local_sandbox
    )
    assert res.history_seeds >= 1  # adder8's recipes: the only design in the history
    assert res.best is not None and res.best.proven is True and res.best.ratio <= 1.0
    assert all(c.proven for c in res.front)
