"""The kernel agent's searches with a scripted model and a stand-in for the harness check.

The check is replaced by a fake that reads a verdict from a marker in the kernel's source
(``# speed=2.5`` = correct at that speedup, ``# wrong`` = mismatch, ``# cheat`` = flagged,
``# broken`` = build error), so the search logic is tested fast and exactly; the real harness
runs in tests/integration/agents/test_kernel_agent*.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from chipsmith.agents.base import RunContext
from chipsmith.agents.kernel_check import ShapeTiming, Verdict
from chipsmith.agents.transcript import Transcript
from chipsmith.benchmarks.task import PublicView
from helpers import require_module

pytestmark = pytest.mark.unit

REFERENCE = "import torch\nimport torch.nn as nn\nN = 4096\nclass Model(nn.Module):\n    def forward(self, x):\n        return torch.relu(x)\n"


class FakeCheck:
    """Stands in for KernelCheck: the verdict is written in the kernel (see the module docstring)."""

    seen: list[str] = []

    def __init__(self, task_id: str, reference: str, backend: str, **_: Any) -> None:
        self.shapes = [{"N": 4096}, {"N": 2048}]
        self.runs = 0

    def __call__(self, code: str) -> Verdict:
        self.runs += 1
        FakeCheck.seen.append(code)
        if "# broken" in code:
            return Verdict(verdict="fail", failure_class="compile", message="CPP_SOURCE:3:1: error: expected ';'",
                           diagnostics="CPP_SOURCE:3:1: error: expected ';' before '}' token")  # fmt: skip
        if "# cheat" in code:
            return Verdict(verdict="fail", failure_class="cheat", message="torch-compute: calls torch.relu",
                           caught_by="ablation", findings=[{"check": "ablation", "message": "outputs unchanged",
                                                            "mechanism": "ablation"}])  # fmt: skip
        if "# wrong" in code:
            return Verdict(verdict="fail", failure_class="mismatch",
                           message="s1_edge_2 1st call: output 0: 3 of 2048 elements outside atol; worst: got 1, "
                                   "expected 0 at index [7]")  # fmt: skip
        speed = float(re.search(r"# speed=([\d.]+)", code).group(1))  # type: ignore[union-attr]
        t = ShapeTiming(index=0, shape={"N": 4096}, speedup=speed, candidate_ms=1 / speed, baseline_ms=1.0)
        return Verdict(
            verdict="pass", failure_class="pass", message="10 cases correct", cases=10, timings=[t]
        )


def kernel(marker: str) -> str:
    return f"```python\nimport torch\n\nclass ModelNew(torch.nn.Module):\n    pass  {marker}\n```\n"


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> type[FakeCheck]:
    require_module("langchain")
    import chipsmith.agents.kernel_check as kc
    import chipsmith.agents.kernel_solve as ks

    monkeypatch.setattr(kc, "KernelCheck", FakeCheck)
    monkeypatch.setattr(ks, "machine_line", lambda backend: ("", None))
    FakeCheck.seen = []
    return FakeCheck


def solve(
    tmp_path: Path, replies: list[str], work: str = "w", **options: Any
) -> tuple[Any, Transcript, dict[str, Any]]:
    from chipsmith.agents.kernel import KernelAgent

    script = tmp_path / f"{work}.yaml"
    script.write_text(yaml.safe_dump({"replies": replies}))
    agent = KernelAgent(model=f"scripted:{script}", cache=False, home=str(tmp_path / "home"), **options)
    public = PublicView(task_id="relu", kind="kernel", spec=f"ReLU.\n\n{REFERENCE}", interface=REFERENCE)
    cand = agent.solve(public, RunContext(workdir=tmp_path / work, category="activation", backend="cpp"))
    tr = Transcript.load(Path(cand.meta["agent"]["transcript"]))
    state = json.loads((tmp_path / work / "kernel_search.json").read_text())
    return cand, tr, state


def test_evolve_keeps_a_faster_correct_child_and_drops_a_faster_wrong_one(tmp_path: Path, fake: Any) -> None:
    replies = [kernel("# speed=1.0"), kernel("# wrong speed=9"), kernel("# speed=3.0")]
    cand, tr, state = solve(tmp_path, replies, search="evolve", seeds=1, max_candidates=3, patience=5)
    origins = [(a["id"], a["origin"], a["parents"]) for a in state["attempts"]]
    assert origins == [(1, "seed", []), (2, "mutation", [1]), (3, "mutation", [1])]
    members = [m for isl in state["islands"] for m in isl["members"]]
    assert 2 not in members and set(members) == {1, 3}  # the wrong one never joins a population
    assert state["best"] == 3 and "# speed=3.0" in cand.files["candidate.py"]
    assert [s["best"] for s in cand.meta["iterations"]] == [1, 1, 3]
    child_prompt = [m.content for m in tr.messages if m.role == "human"][1]
    assert "# speed=1.0" in child_prompt and "speedup 1.00x" in child_prompt and "FASTER" in child_prompt
    assert "answer 2: mismatch" in [m.content for m in tr.messages if m.role == "human"][2]


def test_a_flagged_kernel_is_never_a_parent_nor_the_best(tmp_path: Path, fake: Any) -> None:
    replies = [
        kernel("# cheat speed=50"),
        kernel("# speed=1.5"),
        kernel("# cheat speed=80"),
        kernel("# speed=1.2"),
    ]
    cand, _, state = solve(tmp_path, replies, search="evolve", seeds=2, max_candidates=4, patience=5)
    flagged = {a["id"] for a in state["attempts"] if a["verdict"]["failure_class"] == "cheat"}
    assert flagged == {1, 3}
    parents = {p for a in state["attempts"] for p in a["parents"]}
    assert parents and not parents & flagged
    assert state["best"] == 2 and "# speed=1.5" in cand.files["candidate.py"]
    assert cand.meta["agent"]["best"] == 2


def test_a_resumed_run_continues_the_same_population(tmp_path: Path, fake: Any) -> None:
    first, _, before = solve(tmp_path, [kernel("# speed=1.0"), kernel("# speed=2.0")], search="evolve", seeds=1,
                             max_candidates=5, budget={"max_model_calls": 2})  # fmt: skip
    assert first.meta["agent"]["stop_reason"] == "budget" and len(before["attempts"]) == 2
    again, _, after = solve(tmp_path, [kernel("# speed=4.0")], search="evolve", seeds=1, max_candidates=3,
                            budget={"max_model_calls": 3})  # fmt: skip
    assert [a["id"] for a in after["attempts"]] == [1, 2, 3]
    assert after["attempts"][:2] == before["attempts"]  # same lineage, not re-asked
    child = after["attempts"][2]
    assert child["origin"] in ("mutation", "crossover") and set(child["parents"]) <= {1, 2}  # bred from them
    assert after["spent"]["model_calls"] == 3 and again.meta["agent"]["model_calls"] == 3
    assert after["best"] == 3 and again.meta["agent"]["stop_reason"] == "max_candidates"
    assert len(FakeCheck.seen) == 3  # the two earlier kernels were not checked again


def test_repair_shows_the_full_verdict_and_keeps_improving_until_patience(tmp_path: Path, fake: Any) -> None:
    replies = [
        kernel("# broken"),
        kernel("# cheat"),
        kernel("# wrong"),
        kernel("# speed=1.1"),
        kernel("# speed=1.0"),
    ]
    cand, tr, state = solve(tmp_path, replies, search="repair", max_candidates=6, patience=1)
    assert [a["origin"] for a in state["attempts"]] == ["seed", "repair", "repair", "repair", "improve"]
    assert cand.meta["agent"]["stop_reason"] == "no_faster"
    seen = [m.content for m in tr.messages if m.role == "human"]
    assert "error: expected ';' before '}' token" in seen[1]  # the build output
    assert "caught by: ablation run" in seen[2] and "[ablation] <ablation run" in seen[2]  # the mechanism
    assert "shape 1 {'N': 2048} with N(0,1) values with 10% exact zeros" in seen[3]  # the failing case
    assert "at index [7]" in seen[3]
    assert "speedup 1.10x" in seen[4] and "Make it faster" in seen[4]
    assert "# speed=1.1" in cand.files["candidate.py"]


def test_single_is_independent_samples_without_feedback(tmp_path: Path, fake: Any) -> None:
    cand, tr, state = solve(
        tmp_path, [kernel("# wrong"), kernel("# speed=1.3")], search="single", max_candidates=2
    )
    assert [a["origin"] for a in state["attempts"]] == ["sample", "sample"]
    humans = [m.content for m in tr.messages if m.role == "human"]
    assert len(humans) == 2 and humans[0] == humans[1]  # the same task prompt, no feedback between
    assert "# speed=1.3" in cand.files["candidate.py"]


def test_replies_without_a_kernel_are_named_and_nothing_flagged_is_submitted(
    tmp_path: Path, fake: Any
) -> None:
    replies = ["I would write a kernel.", '```cpp\nextern "C" void f() {}\n```', kernel("# cheat")]
    cand, tr, state = solve(tmp_path, replies, search="repair", max_candidates=3)
    assert [a["verdict"] for a in state["attempts"][:2]] == [None, None]
    seen = [m.content for m in tr.messages if m.role == "human"]
    assert "your reply has no code" in seen[1] and "only cpp code" in seen[2]
    assert cand.files == {} and cand.meta["agent"]["best"] is None
    assert len(FakeCheck.seen) == 1


def test_the_same_file_again_reuses_its_verdict_and_joins_no_population(tmp_path: Path, fake: Any) -> None:
    replies = [kernel("# speed=2.0"), kernel("# speed=2.0"), kernel("# speed=2.0")]
    cand, tr, state = solve(tmp_path, replies, search="repair", max_candidates=5, patience=2)
    assert [a["same_as"] for a in state["attempts"]] == [None, 1, 1] and len(FakeCheck.seen) == 1
    assert state["islands"][0]["members"] == [1] and state["best"] == 1
    assert cand.meta["agent"]["stop_reason"] == "no_faster"
    assert "the very same file as your answer 1" in [m.content for m in tr.messages if m.role == "human"][2]


def test_selection_ranks_by_the_kernels_own_times_not_each_check_s_eager_noise() -> None:
    """Measured at load 11: ReLU's eager time was 0.064 ms in one check and 1.2 ms in another, so a
    kernel 22x slower than another (42.6 vs 1.94 ms) had a speedup only 1.15x lower; a little more
    noise (2.5 ms here) inverts the order. Selection compares against the fastest eager time seen
    at each shape, i.e. by the kernels' own times."""
    from chipsmith.agents.evolve import Attempt, EvolveState

    def passed(aid: int, candidate_ms: float, baseline_ms: float) -> Attempt:
        t = ShapeTiming(index=0, shape={"N": 4096}, speedup=baseline_ms / candidate_ms,
                        candidate_ms=candidate_ms, baseline_ms=baseline_ms)  # fmt: skip
        v = Verdict(verdict="pass", failure_class="pass", cases=1, timings=[t])
        return Attempt(id=aid, origin="seed", island=0, code=f"# {aid}", verdict=v)

    state = EvolveState.new("relu", "cpp", "evolve", islands=1)
    slow, fast = passed(1, 42.6, 2.5), passed(2, 1.94, 0.064)
    assert slow.fitness is not None and fast.fitness is not None and slow.fitness > fast.fitness  # the noise
    state.add(slow, island_size=4)
    assert state.add(fast, island_size=4) and state.best == 2
    assert state.islands[0].members == [2, 1] and state.eager_ms() == {0: 0.064}
    assert fast.speed(state.eager_ms()) == pytest.approx(0.064 / 1.94)


def test_a_shape_timed_below_the_channel_s_noise_gets_no_speedup(tmp_path: Path) -> None:
    from chipsmith.agents.kernel_check import KernelCheck

    check = KernelCheck.__new__(KernelCheck)  # only _timing's inputs: no harness
    check.work, check.reference, check.device = None, REFERENCE, "cpu"
    m = {
        "speedup": 66369.0,
        "candidate_ms": 1e-6,
        "baseline_ms": 0.066,
        "channel_ms": 5.6,
        "flags": ["< 1 us"],
    }
    t = check._timing(0, {"N": 4096}, m)
    assert t.speedup is None and t.candidate_ms is None and t.roofline is None and "not measurable" in t.note
    # ranked by its upper bound (the channel's time): lost in the noise is fast, not the slowest
    v = Verdict(verdict="pass", failure_class="pass", cases=1, timings=[t])
    assert t.at_most_ms == 5.6 and v.fitness() == pytest.approx(0.066 / 5.6)
    real = check._timing(0, {"N": 4096}, {**m, "candidate_ms": 20.0, "speedup": 0.0033})
    assert real.speedup == 0.0033 and real.candidate_ms == 20.0
    slow = Verdict(verdict="pass", failure_class="pass", cases=1, timings=[real])
    assert (v.fitness() or 0) > (slow.fitness() or 0)


def test_a_cuda2cpp_task_shows_its_cuda_starting_point_and_a_cuda2cpp_example(
    tmp_path: Path, fake: Any
) -> None:
    """The CUDA kernel and launch code the task starts from are in the model's first input, and the
    one-shot example is another cuda2cpp task's solution (never this task's own)."""
    from chipsmith.agents.kernel import KernelAgent
    from chipsmith.benchmarks.suites_api import load_suite

    task = next(t for t in load_suite("chipsmith-kernels") if t.id == "cuda2cpp_glu")
    script = tmp_path / "s.yaml"
    script.write_text(yaml.safe_dump({"replies": [kernel("# speed=1.0")]}))
    agent = KernelAgent(model=f"scripted:{script}", cache=False, home=str(tmp_path / "home"), search="single")
    cand = agent.solve(task.public, RunContext(workdir=tmp_path / "w", category=task.category, backend="cpp"))
    first = [
        m.content
        for m in Transcript.load(Path(cand.meta["agent"]["transcript"])).messages
        if m.role == "human"
    ][0]
    assert "__global__" in first and "cuda_kernel.py" in first
    examples = cand.meta["agent"]["examples"]
    assert examples and all(e.startswith("cuda2cpp_") and e != "cuda2cpp_glu" for e in examples)
