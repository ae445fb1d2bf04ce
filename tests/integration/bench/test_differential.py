"""Differential tests: chipsmith's verdicts against the published harnesses', sample by sample.

Every candidate under ``tests/data/bench/differential/samples`` is judged twice: by the published
commands and pass rule of its suite, run here by hand (no chipsmith code involved), and by
``chipsmith bench score``. The same is done for each task's reference with ``bench run --agent
reference``. The verdicts must be equal, except for the cases in ``STRICTER``, where chipsmith is
stricter than a published rule on purpose (docs/benchmarks.md says why); for those the test checks
that the published rule really passes the sample and chipsmith really fails it.

Published rules, as their scripts implement them:

- VerilogEval v2 (``scripts/sv-iv-analyze`` and the harness it reads): ``iverilog -Wall -Winfloop
  -Wno-timescale -g2012 -s tb -o x sample.sv test.sv ref.sv``, then ``timeout 30 vvp x``; one log of
  both; pass ('.') when a line is exactly ``Mismatches: 0 in N samples`` and no line shows an error,
  ``TIMEOUT`` or another failure pattern of the script.
- RTLLM v2 (``auto_run.py``): compile testbench + design (VCS there, ``iverilog -g2012`` here), run
  the simulation; a run still going after 8 s fails; pass when its output contains "Pass" or "pass".

Time limits: RTLLM's is 8 s; VerilogEval's 30 s is lowered to the same 8 s in both harnesses here,
to keep the test short. The only samples that reach a limit loop forever at time 0, so a longer
limit changes how long they take, not their verdict.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chipsmith.benchmarks.adapters import rtllm, verilog_eval
from chipsmith.cli import app
from helpers import require_shared_external, require_tool

pytestmark = pytest.mark.integration

DATA = Path(__file__).parents[2] / "data" / "bench"
DIFF = DATA / "differential"
LIMIT_S = 8
VE_COMPILE = ["iverilog", "-Wall", "-Winfloop", "-Wno-timescale", "-g2012", "-s", "tb", "-o", "x"]

# (suite, task, sample label) -> why chipsmith fails a sample the published rule passes.
STRICTER = {
    ("verilog-eval", "Prob901_parity8", "hang_zero_delay"): (
        "`timeout` stops the hung vvp with SIGTERM, vvp then runs the testbench's final block, which "
        "prints 'Mismatches: 0 in 0 samples', and sv-iv-analyze passes it; chipsmith kills the run "
        "(SIGKILL) and records a timeout"
    ),
    ("verilog-eval", "Prob901_parity8", "finish_at_time_zero"): (
        "the design ends the simulation before any sample and the final block prints 'Mismatches: 0 "
        "in 0 samples'; chipsmith refuses $finish in a design"
    ),
    ("verilog-eval", "Prob904_count_mod10", "prints_fake_verdict"): (
        "sv-iv-analyze passes a log with any 'Mismatches: 0 in N samples' line, even one the design "
        "printed; chipsmith refuses verdict text in a design"
    ),
    ("rtllm", "adder_4bit", "prints_pass_word"): (
        "auto_run.py passes any output containing 'pass' ('bypass' here); chipsmith needs the "
        "'Your Design Passed' banner and no failure banner"
    ),
}


@pytest.fixture(autouse=True)
def _tools() -> None:
    require_tool("iverilog", "vvp", "timeout")


# ----- the published rules, by hand ------------------------------------------------------------


def verilog_eval_code(log: str) -> str:
    """sv-iv-analyze's classification of one sample's log ('.' is the only pass)."""
    error_c = error_p = no_mismatch = False
    breaks = [
        ("error: This assignment requires an explicit cast", "e"),
        ("error: Sized numeric constant must have a size greater than zero", "0"),
        ("warning: always_comb process has no sensitivities", "n"),
        ("found no sensitivities so it will never trigger", "n"),
        ("is declared here as wire", "w"),
        ("Unknown module type", "m"),
    ]
    for line in log.splitlines():
        if "syntax error" in line:
            return "S"
        error_c = error_c or "error" in line
        for pattern, code in breaks:
            if pattern in line:
                return code
        error_p = error_p or "Unable to bind wire/reg" in line
        if "Unable to bind wire/reg/memory `clk'" in line:
            return "c"
        if "TIMEOUT" in line:
            return "T"
        match = re.match(r"^Mismatches: (\d+) in \d+ samples$", line)
        no_mismatch = no_mismatch or bool(match and int(match.group(1)) == 0)
    if error_p or error_c:
        return "p" if error_p else "C"
    return "." if no_mismatch else "R"


def verilog_eval_published(design: Path, problem: Path, name: str, work: Path) -> bool:
    """Compile and run one sample as VerilogEval's harness does; True when sv-iv-analyze passes it."""
    work.mkdir(parents=True)
    shutil.copy(design, work / "sample.sv")
    for kind in ("test.sv", "ref.sv"):
        shutil.copy(problem / f"{name}_{kind}", work / kind)
    comp = subprocess.run(
        [*VE_COMPILE, "sample.sv", "test.sv", "ref.sv"], cwd=work, capture_output=True, text=True
    )
    log = comp.stdout + comp.stderr
    if comp.returncode == 0:
        run = subprocess.run(
            ["timeout", str(LIMIT_S), "vvp", "x"], cwd=work, capture_output=True, text=True, errors="replace"
        )
        log += run.stdout + run.stderr
    return verilog_eval_code(log) == "."


def rtllm_published(design: Path | None, problem: Path, work: Path) -> bool:
    """Compile testbench + design and run it as auto_run.py does; True when it counts a pass."""
    if design is None:
        return False
    shutil.copytree(problem, work)
    shutil.copy(design, work / "design.v")
    subprocess.run(
        ["iverilog", "-g2012", "-o", "simv", "testbench.v", "design.v"], cwd=work, capture_output=True
    )
    if not (work / "simv").is_file():
        return False
    try:
        run = subprocess.run(["vvp", "simv"], cwd=work, capture_output=True, text=True, timeout=LIMIT_S)
    except subprocess.TimeoutExpired:
        return False  # auto_run.py: still running after its timeout is a failure
    return "Pass" in run.stdout or "pass" in run.stdout


def rtllm_reference_by_hand(problem: Path, out: Path) -> Path | None:
    """The verified file with ``module verified_<name>`` renamed to the ``<name>`` the testbench
    instantiates, as one does by hand; None when there is no verified file."""
    verified = sorted(problem.glob("verified_*.v"))
    if not verified:
        return None
    tb = (problem / "testbench.v").read_text()
    text = verified[0].read_text()
    for name in re.findall(r"\bmodule\s+verified_(\w+)", text):
        if re.search(rf"^\s*{name}\b", tb, re.M):
            text = re.sub(rf"\bmodule\s+verified_{name}\b", f"module {name}", text)
    out.write_text(text)
    return out


# ----- the problem sets ------------------------------------------------------------------------


def verilog_eval_problems(tmp: Path) -> Path:
    """One folder with the shared problems, ours, and two whose reference iverilog cannot run."""
    folder = tmp / "ve_problems"
    folder.mkdir()
    sources = [
        require_shared_external() / "verilog-eval-format",
        DIFF / "problems" / "verilog-eval",
        DATA / "verilog_eval",
    ]
    for src in sources:
        for path in src.glob("Prob*_*"):
            shutil.copy(path, folder / path.name)
    return folder


def rtllm_problems(tmp: Path) -> Path:
    """The shared designs (flat), ours (RTLLM v2 tree) and one whose reference fails its testbench."""
    root = tmp / "rtllm_problems"
    shutil.copytree(DIFF / "problems" / "rtllm", root)
    for design in ("popcount4", "gray2bin4"):
        shutil.copytree(require_shared_external() / "rtllm-format" / design, root / design)
    shutil.copytree(DATA / "rtllm" / "broken_inv", root / "broken_inv")
    return root


def rtllm_dirs(root: Path) -> dict[str, Path]:
    return {p.parent.name: p.parent for p in root.rglob("testbench.v")}


def sample_dir(suite: str, tmp: Path) -> tuple[Path, dict[tuple[str, int], str]]:
    """The candidates in `bench score`'s DIR/<task>/sample_<k> layout, and (task, k) -> label."""
    out, labels = tmp / f"samples_{suite}", {}
    for task_dir in sorted((DIFF / "samples" / suite).iterdir()):
        for k, path in enumerate(sorted(task_dir.iterdir())):
            dest = out / task_dir.name / f"sample_{k}{path.suffix}"
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, dest)
            labels[(task_dir.name, k)] = path.stem
    return out, labels


# ----- chipsmith -------------------------------------------------------------------------------


def chipsmith(tmp: Path, monkeypatch: pytest.MonkeyPatch, *args: str) -> dict[tuple[str, int], str]:
    """Run a `chipsmith bench` command; (task, sample) -> verdict of every record."""
    monkeypatch.setenv("CHIPSMITH_HOME", str(tmp / "home"))
    # Tasks are loaded in this process and shipped to the workers, so the limit travels with them.
    monkeypatch.setattr(verilog_eval, "TIMEOUT_S", LIMIT_S)
    monkeypatch.setattr(rtllm, "TIMEOUT_S", LIMIT_S)
    runs = tmp / "home" / "runs"
    run_id = f"run{len(list(runs.iterdir())) if runs.is_dir() else 0}"
    res = CliRunner().invoke(app, ["bench", *args, "--run-id", run_id, "--no-ppa", "--jobs", "2", "--json"])
    assert res.exit_code == 0, res.output
    lines = (tmp / "home" / "runs" / run_id / "results.jsonl").read_text().splitlines()
    return {(r["task"], r["sample"]): r["verdict"] for r in map(json.loads, lines)}


def compare(published: dict[tuple[str, str], bool], ours: dict[tuple[str, str], str], suite: str) -> None:
    """Equal verdicts, except the named stricter cases, which must really differ."""
    assert set(published) == set(ours)
    for key, passed in sorted(published.items()):
        if (suite, *key) in STRICTER:
            assert (passed, ours[key]) == (True, "fail"), (key, STRICTER[(suite, *key)])
        else:
            assert ("pass" if passed else "fail", key) == (ours[key], key)


# ----- the tests -------------------------------------------------------------------------------


def test_verilog_eval_samples_get_the_published_verdict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    problems = verilog_eval_problems(tmp_path)
    samples, labels = sample_dir("verilog-eval", tmp_path)
    published = {
        (task, labels[(task, k)]): verilog_eval_published(
            next((samples / task).glob(f"sample_{k}.*")), problems, task, tmp_path / "raw" / f"{task}_{k}"
        )
        for task, k in labels
    }
    verdicts = chipsmith(
        tmp_path, monkeypatch, "score", "--suite", f"verilog-eval:{problems}", "--samples", str(samples)
    )
    compare(published, {(t, labels[(t, k)]): v for (t, k), v in verdicts.items()}, "verilog-eval")
    assert sum(published.values()) >= 3 and not all(published.values())  # both verdicts occur


def test_rtllm_samples_get_the_published_verdict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = rtllm_problems(tmp_path)
    dirs = rtllm_dirs(root)
    samples, labels = sample_dir("rtllm", tmp_path)
    published = {
        (task, labels[(task, k)]): rtllm_published(
            next((samples / task).glob(f"sample_{k}.*")), dirs[task], tmp_path / "raw" / f"{task}_{k}"
        )
        for task, k in labels
    }
    verdicts = chipsmith(
        tmp_path, monkeypatch, "score", "--suite", f"rtllm:{root}", "--samples", str(samples)
    )
    compare(published, {(t, labels[(t, k)]): v for (t, k), v in verdicts.items()}, "rtllm")
    assert sum(published.values()) >= 3 and not all(published.values())


def test_reference_control_equals_the_raw_tools_on_each_reference(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ve = verilog_eval_problems(tmp_path)
    ve_raw = {
        name: verilog_eval_published(_ve_reference(ve, name, tmp_path), ve, name, tmp_path / "raw" / name)
        for name in sorted(p.name.removesuffix("_ref.sv") for p in ve.glob("*_ref.sv"))
    }
    root = rtllm_problems(tmp_path)
    rt_raw = {
        name: rtllm_published(
            rtllm_reference_by_hand(d, tmp_path / f"{name}_ref.v"), d, tmp_path / "raw" / name
        )
        for name, d in rtllm_dirs(root).items()
    }
    for suite, raw in ((f"verilog-eval:{ve}", ve_raw), (f"rtllm:{root}", rt_raw)):
        ours = chipsmith(tmp_path, monkeypatch, "run", "--suite", suite, "--agent", "reference")
        assert {t: v for (t, _), v in ours.items()} == {
            t: "pass" if ok else "unusable" for t, ok in raw.items()
        }
    assert not ve_raw["Prob003_sva_dff"] and not rt_raw["broken_inv"] and not rt_raw["no_reference"]
    assert rt_raw["adder_4bit"] and rt_raw["counter_mod5"] and rt_raw["rom_lut"]  # renamed references run


def _ve_reference(folder: Path, name: str, tmp: Path) -> Path:
    out = tmp / f"{name}_reference.sv"
    out.write_text(
        re.sub(r"\bmodule\s+RefModule\b", "module TopModule", (folder / f"{name}_ref.sv").read_text())
    )
    return out
