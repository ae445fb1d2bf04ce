"""The kernel agent end to end with the real harness (cpp backend, ReLU) and a scripted model.

Only the model is replaced: every answer is built by g++, checked by the trusted supervisor in
the sandbox (anti-cheat, correctness over shapes and distributions, ablation) and timed. The
machine's roofline peaks come from a cache file written by the test (the real measurement runs
in test_kernel_agent_bench.py), so no test here waits for it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from chipsmith.agents.base import RunContext
from chipsmith.agents.transcript import Transcript
from helpers import require_module, require_tool

pytestmark = pytest.mark.integration

SUITE = (
    Path(__file__).resolve().parents[3] / "src" / "chipsmith" / "benchmarks" / "suites" / "chipsmith_kernels"
)
GOOD = (SUITE / "03_relu" / "solutions" / "cpp.py").read_text()
BROKEN = GOOD.replace("float y = v > 0.0f ? v : 0.0f;", "float y = v > 0.0f ? v : 0.0f")
WRONG = GOOD.replace("float y = v > 0.0f ? v : 0.0f;", "float y = v;")  # fast, but negatives pass through
SLOW = GOOD.replace(
    "        float y = v > 0.0f ? v : 0.0f;",
    "        volatile float sink = 0.0f;  // busy work the compiler must keep\n"
    "        for (int k = 0; k < 256; ++k) sink = sink + v;\n"
    "        float y = v > 0.0f ? v : 0.0f;",
)
STATIC_CHEAT = GOOD.replace(
    "_kernels().relu_f32(_p(x), _p(out), ctypes.c_int64(x.numel()))", "out = torch.relu(x)"
)
HIDDEN_CHEAT = GOOD.replace(
    "_kernels().relu_f32(_p(x), _p(out), ctypes.c_int64(x.numel()))",
    '_kernels().relu_f32(_p(x), _p(out), ctypes.c_int64(0))\n        out = getattr(torch, "".join(["re", "lu"]))(x)',
)


def fenced(code: str) -> str:
    return f"```python\n{code}```\n"


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A relu task's public view and context; peaks from a cache file (no measurement)."""
    require_tool("g++")
    require_module("torch")
    require_module("langchain")
    from chipsmith.benchmarks.suites_api import load_suite
    from chipsmith.tools.kernels import roofline

    monkeypatch.setenv("CHIPSMITH_ROOFLINE_DIR", str(tmp_path / "roofline"))
    mid = roofline.identity("cpu")
    path = roofline.cache_path(mid)
    path.parent.mkdir(parents=True)
    path.write_text(roofline.Peaks(machine=mid, bandwidth_gbs=10.0, gflops=20.0, threads=2).model_dump_json())
    task = next(t for t in load_suite("chipsmith-kernels") if t.id == "relu")
    return task


def solve(tmp_path: Path, task: Any, replies: list[str], model: str | None = None, **options: Any) -> Any:
    from chipsmith.agents.kernel import KernelAgent

    if model is None:
        script = tmp_path / "script.yaml"
        script.write_text(yaml.safe_dump({"replies": replies}))
        model = f"scripted:{script}"
    opts = {"cache": False, "home": str(tmp_path / "home"), "time_shapes": "first", **options}
    ctx = RunContext(
        workdir=tmp_path / "w", category=task.category, backend="cpp", work=task.hidden.settings["work"]
    )
    cand = KernelAgent(model=model, **opts).solve(task.public, ctx)
    tr = Transcript.load(Path(cand.meta["agent"]["transcript"]))
    state = json.loads((tmp_path / "w" / "kernel_search.json").read_text())
    return cand, tr, state


def test_a_compile_error_is_fixed_using_the_error_text(tmp_path: Path, env: Any) -> None:
    cand, tr, state = solve(tmp_path, env, [fenced(BROKEN), fenced(GOOD)], search="repair", max_candidates=2)
    feedback = [m.content for m in tr.messages if m.role == "human"][1]  # what the model saw before its fix
    assert "FAIL (compile)" in feedback and "error: expected" in feedback and "CPP_SOURCE:" in feedback
    assert "/.cache/" not in feedback  # the build cache's paths are not the model's business
    assert [a["verdict"]["failure_class"] for a in state["attempts"]] == ["compile", "pass"]
    timing = state["attempts"][1]["verdict"]["timings"][0]
    if timing["at_most_ms"] is None:  # measured (a loaded machine may hide the call in the channel's time)
        assert timing["speedup"] > 0 and timing["roofline"]["bound"] == "memory"  # ReLU: 1 FLOP per 8 bytes
    else:
        assert timing["speedup"] is None and timing["note"].startswith("not measurable")
    assert cand.files == {"candidate.py": GOOD} and cand.backend == "cpp"
    assert cand.meta["agent"]["examples"] and "relu" not in cand.meta["agent"]["examples"]


def test_a_cheating_candidate_is_rejected_and_the_agent_is_told_why(tmp_path: Path, env: Any) -> None:
    cand, tr, state = solve(tmp_path, env, [fenced(STATIC_CHEAT), fenced(HIDDEN_CHEAT)], search="repair",
                            max_candidates=2)  # fmt: skip
    first, second = (a["verdict"] for a in state["attempts"])
    assert (first["failure_class"], first["caught_by"]) == ("cheat", "static")
    assert second["failure_class"] == "cheat" and second["caught_by"] in ("guard", "ablation", "attribution")
    told = [m.content for m in tr.messages if m.role == "human"][1]
    assert "FAIL (cheat)" in told and "torch-compute" in told and "caught by: static source check" in told
    assert "Do all arithmetic inside your own kernel" in told
    last = Transcript.load(Path(cand.meta["agent"]["transcript"])).events
    assert any(e.kind == "iteration" and "caught by" in e.data.get("summary", "") for e in last)
    assert cand.files == {} and cand.meta["agent"]["best"] is None  # a flagged kernel is never submitted


def test_evolve_keeps_the_faster_correct_child_and_drops_the_faster_wrong_one(
    tmp_path: Path, env: Any
) -> None:
    replies = [fenced(SLOW), fenced(WRONG), fenced(GOOD)]
    cand, tr, state = solve(tmp_path, env, replies, search="evolve", seeds=1, max_candidates=3, patience=5)
    a = state["attempts"]
    assert [x["verdict"]["failure_class"] for x in a] == ["pass", "mismatch", "pass"]
    assert [x["origin"] for x in a] == ["seed", "mutation", "mutation"] and a[2]["parents"] == [1]
    members = {m for isl in state["islands"] for m in isl["members"]}
    assert members == {1, 3} and state["best"] == 3
    t = [x["verdict"]["timings"][0] for x in (a[0], a[2])]
    ms = [x["candidate_ms"] or x["at_most_ms"] for x in t]  # ReLU may be lost in the channel's noise
    assert ms[0] > 3 * ms[1]  # 256 volatile adds per element vs none
    assert cand.files == {"candidate.py": GOOD}
    child = [m.content for m in tr.messages if m.role == "human"][1]
    assert "volatile float sink" in child and "speedup" in child and "Roofline" in child


def test_one_evolve_step_over_real_http(tmp_path: Path, env: Any, loopback_llm: Any) -> None:
    from loopback_llm import reply

    loopback_llm.script(reply(fenced(SLOW), usage=(900, 300)), reply(fenced(GOOD), usage=(1500, 320)))
    cand, _, state = solve(
        tmp_path, env, [], model=loopback_llm.spec(), search="evolve", seeds=1, max_candidates=2
    )
    assert len(loopback_llm.requests) == 2
    child_request = json.dumps(loopback_llm.requests[1]["body"]["messages"])
    assert "volatile float sink" in child_request and "FASTER" in child_request  # the parent and its timings
    assert [x["origin"] for x in state["attempts"]] == ["seed", "mutation"] and state["best"] == 2
    info = cand.meta["agent"]
    assert info["real"] and info["model_calls"] == 2 and info["input_tokens"] == 2400
    assert cand.files == {"candidate.py": GOOD}


def test_the_orchestrator_delegates_to_the_kernel_agent(tmp_path: Path, env: Any) -> None:
    """design_kernel: the session's model plays both the orchestrator and the kernel sub-agent (one
    script); the kernel it writes is then checked by the orchestrator with the task's own shapes."""
    from chipsmith.agents.session import SessionManager
    from chipsmith.config import Settings

    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "relu_reference.py").write_text(env.public.interface)
    call = {"content": "", "tool_calls": [{"name": "design_kernel", "args": {
        "reference": "relu_reference.py", "backend": "cpp", "task": "relu"}}]}  # fmt: skip
    # the sub-agent's default search (repair, 4 answers, patience 3): one kernel, then the same file three
    # times (no faster one: it stops; the repeats reuse the verdict), then the orchestrator's answer
    replies = [call, *[fenced(GOOD)] * 4, "kernels/relu_cpp.py passes the kernel harness."]
    script = tmp_path / "session.yaml"
    script.write_text(yaml.safe_dump({"replies": replies}))
    manager = SessionManager(settings=Settings(home=tmp_path / "home", llm_cache=False))
    session = manager.create(model=f"scripted:{script}", workspace=ws)
    events: list[Any] = []
    try:
        out = session.run_turn(
            "Write a C++ kernel for relu_reference.py (task relu).", on_event=events.append
        )
    finally:
        session.close()
    assert (ws / "kernels" / "relu_cpp.py").read_text() == GOOD
    kernel_checks = [c for c in out.checks if c.kind == "kernel"]
    assert kernel_checks and kernel_checks[0].passed and kernel_checks[0].subject == "kernels/relu_cpp.py"
    assert "kernel" in {e.agent for e in events if e.depth == 1}  # the sub-agent ran one level down
    assert "passes the kernel harness" in out.answer
