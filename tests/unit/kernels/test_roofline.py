"""Roofline figures: the arithmetic, the cached peaks keyed by machine identity, the CLI, and the
kernel report sections (fast_p, speedup per category, roofline per task). The real measurement
runs in tests/integration/agents/test_kernel_agent_bench.py."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from chipsmith.benchmarks.results import RunRecord
from chipsmith.tools.kernels import roofline as rl

pytestmark = pytest.mark.unit


def peaks(bw: float = 10.0, gf: float = 20.0) -> rl.Peaks:
    return rl.Peaks(machine=rl.identity("cpu"), bandwidth_gbs=bw, gflops=gf, threads=2)


def test_achieved_rates_fractions_and_bound() -> None:
    r = rl.achieved(flops=500_000_000, nbytes=1_000_000_000, ms=1000.0, peaks=peaks())
    assert (r.gflops, r.gbs, r.intensity) == (0.5, 1.0, 0.5)
    assert r.bandwidth_fraction == pytest.approx(0.1) and r.flops_fraction == pytest.approx(0.025)
    assert r.bound == "memory" and r.attainable_gflops == pytest.approx(5.0)  # 0.5 FLOP/byte x 10 GB/s
    assert r.roofline_fraction == pytest.approx(0.1)
    gemm = rl.achieved(flops=2 * 256**3, nbytes=3 * 4 * 256**2, ms=10.0, peaks=peaks())
    assert gemm.bound == "compute" and gemm.attainable_gflops == 20.0
    with pytest.raises(ValueError):
        rl.achieved(1, 1, 0.0, peaks())


def test_parse_measurement_refuses_errors_and_garbage() -> None:
    mid = rl.identity("cpu")
    good = rl.parse_measurement('noise\n{"bandwidth_gbs": 12.5, "gflops": 80, "threads": 2}\n', mid, 1.5)
    assert (good.bandwidth_gbs, good.gflops, good.load_avg, good.machine) == (12.5, 80.0, 1.5, mid)
    for out, why in [('{"error": "RuntimeError: g++ not found"}', r"g\+\+ not found"), ("", "no result"),
                     ('{"bandwidth_gbs": 0, "gflops": 1}', "no usable peaks")]:  # fmt: skip
        with pytest.raises(rl.RooflineError, match=why):
            rl.parse_measurement(out, mid, None)


def test_peaks_are_measured_once_per_machine_identity(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHIPSMITH_ROOFLINE_DIR", str(tmp_path))
    calls: list[Any] = []

    def fake_measure(mid: rl.MachineId) -> rl.Peaks:
        calls.append(mid)
        return rl.Peaks(machine=mid, bandwidth_gbs=9.0, gflops=30.0)

    monkeypatch.setattr(rl, "_measure", fake_measure)
    first = rl.machine_peaks("cpu")
    assert rl.machine_peaks("cpu") == first and len(calls) == 1  # cached
    assert rl.cache_path(rl.identity("cpu")).is_file()
    other = rl.identity("cpu").model_copy(update={"cores": 999})
    monkeypatch.setattr(rl, "identity", lambda device="cpu": other)
    rl.machine_peaks("cpu")
    assert len(calls) == 2 and calls[-1].cores == 999  # another machine: measured again
    rl.machine_peaks("cpu", refresh=True)
    assert len(calls) == 3


def test_identity_hides_the_hostname() -> None:
    import socket

    mid = rl.identity("cpu")
    assert mid.cores == (os.cpu_count() or 1) and len(mid.host) == 12 and socket.gethostname() not in mid.host


def test_cli_prints_the_cached_figures_and_refuses_bad_input(tmp_path: Path) -> None:
    mid = rl.identity("cpu")
    path = tmp_path / f"cpu-{mid.key()}.json"
    path.write_text(rl.Peaks(machine=mid, bandwidth_gbs=11.0, gflops=44.0, threads=2).model_dump_json())
    env = {**os.environ, "CHIPSMITH_ROOFLINE_DIR": str(tmp_path)}
    cmd = [sys.executable, "-m", "chipsmith.cli", "kernel", "roofline"]
    out = subprocess.run([*cmd, "--json"], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert (data["bandwidth_gbs"], data["gflops"], data["ridge"], data["key"]) == (11.0, 44.0, 4.0, mid.key())
    text = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120).stdout
    assert "memory bandwidth: 11.0 GB/s (STREAM triad" in text and "ridge point: 4.00 FLOP/byte" in text
    bad = subprocess.run([*cmd, "--device", "tpu"], capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 2 and bad.stderr.strip().count("\n") == 0 and "cpu or cuda" in bad.stderr


def record(
    task: str, category: str, verdict: str, speedup: float | None, roof: float | None = None
) -> RunRecord:
    metrics: dict[str, Any] = {"speedup": speedup, "candidate_ms": 0.5, "baseline_ms": 0.5 * (speedup or 1)}
    if roof is not None:
        metrics["roofline"] = {"intensity": 0.25, "gbs": 4.0, "gflops": 1.0, "bandwidth_fraction": roof,
                               "flops_fraction": 0.05, "roofline_fraction": roof, "bound": "memory"}  # fmt: skip
    fc = "pass" if verdict == "pass" else "mismatch"
    return RunRecord(run_id="r", task=task, suite="s", kind="kernel", category=category, agent="a", sample=0,
                     verdict=verdict, failure_class=fc, metrics=metrics)  # fmt: skip


def test_report_has_fast_p_per_category_and_roofline_per_task(tmp_path: Path) -> None:
    from chipsmith.benchmarks.metrics import summarize
    from chipsmith.benchmarks.report import write_report

    recs = [
        record("relu", "activation", "pass", 2.5, roof=0.62),
        record("gelu", "activation", "pass", 1.2, roof=0.31),
        record("matmul", "gemm", "pass", 0.3, roof=0.05),
        record("softmax", "attention", "fail", None),
    ]
    s = summarize(recs)
    assert s.kernel["fast_1"] == 0.5 and s.kernel["fast_1.5"] == 0.25 and s.kernel["fast_2"] == 0.25
    assert (
        s.kernel_by_category["activation"]["fast_1"] == 1.0 and s.kernel_by_category["gemm"]["fast_1"] == 0.0
    )
    assert s.kernel_by_category["activation"]["speedup_geomean"] == pytest.approx((2.5 * 1.2) ** 0.5)
    row = next(r for r in s.kernel_tasks if r["task"] == "relu")
    assert row["roofline_fraction"] == 0.62 and row["bound"] == "memory"
    md, html = write_report([("r", recs)], tmp_path)
    text = md.read_text()
    assert "fast_1 0.500, fast_1.5 0.250, fast_2 0.250" in text
    assert "| activation | 2 | 1.000 | 1.000 | 0.500 | 0.500 |" in text
    assert "| relu | activation | pass | 2.50 |" in text and "| softmax | attention | mismatch |" in text
    assert "roofline fraction" in html.read_text()


def test_roofline_metrics_say_why_they_are_missing() -> None:
    from chipsmith.benchmarks.kernel_roofline import roofline_of, work_at

    assert roofline_of(None, 1.0, "cpu") == {"roofline_note": "the task declares no flops/bytes"}
    assert roofline_of((1, 1), None, "cpu") == {"roofline_note": "no kernel time"}
    assert work_at({"flops": "N", "bytes": "8*N"}, "N = 16\n", {"N": 32}) == (32, 256)
    assert work_at({"flops": "N"}, "N = 16\n", {}) is None
    assert work_at({"flops": "M", "bytes": "M"}, "N = 16\n", {}) is None  # an unknown name


def test_a_time_below_the_channel_s_noise_is_no_measurement(tmp_path: Path) -> None:
    """At load 15 the harness's channel time (5.6 ms) exceeded a ReLU call's, leaving its 1e-6 ms
    floor: no roofline figures for it, and the report tags it."""
    from chipsmith.benchmarks.kernel_metrics import task_rows
    from chipsmith.benchmarks.kernel_roofline import task_roofline, unmeasured

    assert unmeasured(1e-6, 5.5955) and not unmeasured(0.05, 0.27) and not unmeasured(1e-6, None)
    rec = record("relu", "activation", "pass", 66369.0)
    rec.metrics |= {"candidate_ms": 1e-6, "channel_ms": 5.5955}
    assert task_roofline(None, rec.metrics, "cpu")["roofline_note"].startswith("not measurable")
    (row,) = task_rows([rec])
    assert "unmeasured" in row["flags"].split()
    (ok,) = task_rows([record("relu", "activation", "pass", 2.5, roof=0.6)])
    assert "unmeasured" not in ok["flags"]


def test_fast_p_does_not_count_an_unmeasured_speedup() -> None:
    from chipsmith.benchmarks.metrics import summarize

    ghost = record("relu", "activation", "pass", 66369.0)
    ghost.metrics |= {"candidate_ms": 1e-6, "channel_ms": 5.5955}
    s = summarize([ghost, record("gelu", "activation", "pass", 1.2)])
    assert s.kernel["fast_0"] == 1.0 and s.kernel["fast_1"] == 0.5 and s.kernel["fast_2"] == 0.0
    assert s.kernel["speedup_geomean"] == pytest.approx(1.2)
    assert s.kernel_by_category["activation"]["fast_2"] == 0.0
