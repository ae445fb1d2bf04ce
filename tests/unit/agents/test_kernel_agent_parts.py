"""The kernel agent's pure parts: reply salvage, check shapes, feedback text, the evolve state,
category-aware examples (never the task's own), budget left on resume."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from chipsmith.agents.evolve import Attempt, EvolveState, summary_of
from chipsmith.agents.kernel import KernelOptions, remaining_budget
from chipsmith.agents.kernel_check import ShapeTiming, Verdict, check_shapes, clean_diagnostics, error_lines
from chipsmith.agents.kernel_feedback import case_words, instruction, sections
from chipsmith.agents.kernel_reply import kernel_code

pytestmark = pytest.mark.unit

FILE = "import torch\n\nclass ModelNew(torch.nn.Module):\n    pass\n"


def test_reply_salvage_names_each_problem() -> None:
    assert kernel_code(f"Here:\n```python\n{FILE}```", "cpp").code == FILE
    two = f"```python\n{FILE}```\nbetter:\n```python\n{FILE.replace('pass', 'x = 1')}```"
    assert "x = 1" in (kernel_code(two, "cpp").code or "")  # the last complete file wins
    assert kernel_code(FILE, "cpp").source == "bare"
    assert "cut off" in (kernel_code(f"```python\n{FILE}", "cpp").problem or "")
    assert "CPP_SOURCE" in (kernel_code("```cpp\nint f();\n```", "cpp").problem or "")
    assert "CUDA_SOURCE" in (kernel_code("```cuda\n__global__ void f();\n```", "cuda").problem or "")
    assert "no `class ModelNew" in (kernel_code("```python\nx = 1\n```", "cpp").problem or "")
    assert "no code" in (kernel_code("I cannot.", "cpp").problem or "")


def test_check_shapes_come_from_the_public_reference_only() -> None:
    ref = "N = 65536\nK = 3\nSTRUCTURE_SEED = 1234567\n"
    assert check_shapes(ref) == [{"N": 65536}, {"N": 32768}, {"N": 32769}]  # sizes >= 8, seeds kept
    assert check_shapes("x = 1\n") == [{}]
    assert check_shapes("def broken(:\n") == [{}]


def test_compile_output_is_cleaned_and_its_error_line_found() -> None:
    raw = (
        "/root/.cache/chipsmith/kernels/k_6f5208acd8e0b65568bf.cpp: In function 'void f()':\n"
        "/root/.cache/chipsmith/kernels/k_6f5208acd8e0b65568bf.cpp:11:9: error: expected ';' before 'out'\n"
    )
    text = clean_diagnostics(raw, "cpp")
    assert "/root" not in text and text.startswith("CPP_SOURCE: In function")
    assert error_lines(text) == ["CPP_SOURCE:11:9: error: expected ';' before 'out'"]


def test_case_keys_become_words() -> None:
    shapes = [{"N": 8}, {"N": 4}]
    assert case_words("s1_normal_1 2nd call: output 0: ...", shapes) == "shape 1 {'N': 4} with N(0,1) values"
    assert "timed call at shape 0 {'N': 8}" in case_words("t3 timed call: output 0", shapes)
    assert case_words("no case here", shapes) == ""


def test_sections_of_a_correct_kernel_have_speed_and_roofline() -> None:
    roof = {"intensity": 0.125, "bound": "memory", "gbs": 5.0, "bandwidth_fraction": 0.5, "gflops": 0.6,
            "flops_fraction": 0.03, "roofline_fraction": 0.5}  # fmt: skip
    t = ShapeTiming(
        index=0, shape={"N": 8}, speedup=2.0, candidate_ms=0.5, baseline_ms=1.0, cpu_ms=1.0, roofline=roof
    )
    v = Verdict(
        verdict="pass", failure_class="pass", message="10 cases correct", timings=[t], flags=["timings vary"]
    )
    s = sections(v, "cpp", [{"N": 8}], {"bandwidth_gbs": 10.0, "gflops": 20.0})
    assert s.timing == [
        "shape 0 {'N': 8}: 0.5000 ms vs eager PyTorch 1.0000 ms: speedup 2.00x, 2.0 cores busy"
    ]
    assert "0.125 FLOP/byte (memory-bound)" in s.roofline[0] and "50% of 10.0 GB/s" in s.roofline[0]
    assert s.flags == ["timings vary"]
    assert "faster" in instruction(v, None, "repair")


def test_evolve_state_order_population_and_operations(tmp_path: Path) -> None:
    def att(i: int, fc: str, speed: float | None = None, island: int = 0) -> Attempt:
        timings = [ShapeTiming(index=0, shape={}, speedup=speed)] if speed else []
        v = Verdict(verdict="pass" if fc == "pass" else "fail", failure_class=fc, timings=timings)
        return Attempt(id=i, origin="seed", island=island, code=f"# {i}", verdict=v)

    st = EvolveState.new("t", "cpp", "evolve", islands=2)
    rng = random.Random(0)
    assert st.next_operation(rng, seeds=2, crossover_rate=0.0).kind == "seed"
    st.add(att(1, "compile"), 4)
    st.add(att(2, "cheat", island=1), 4)
    op = st.next_operation(rng, seeds=2, crossover_rate=0.0)
    assert (op.kind, op.parents) == ("repair", [1])  # the cheat is never repaired from
    assert st.best is None and st.best_attempt().id == 1  # type: ignore[union-attr]
    assert st.add(att(3, "pass", 1.5), 4) and st.best == 3 and st.stale == 0
    assert not st.add(att(4, "pass", 1.2, island=1), 4) and st.stale == 1
    assert [i.members for i in st.islands] == [[3], [4]]
    st.migrate(island_size=4)
    assert [i.members for i in st.islands] == [[3, 4], [3, 4]]  # each island's best joined the next
    ops = {st.next_operation(random.Random(k), seeds=2, crossover_rate=0.5).kind for k in range(20)}
    assert ops == {"mutation", "crossover"}
    assert summary_of(st.get(3)).startswith("correct, speedup 1.50x")
    path = st.save(tmp_path / "s.json")
    assert EvolveState.load(path) == st
    path.write_text("{not json")
    assert EvolveState.load(path) is None


def test_budget_left_after_earlier_runs() -> None:
    from chipsmith.agents.evolve import Spent

    spent = Spent(model_calls=3, input_tokens=100, output_tokens=50, cost_usd=0.25, wall_s=40.0)
    left = remaining_budget(
        {"max_model_calls": 5, "max_tokens": 1000, "max_usd": 0.2, "max_wall_s": 60}, spent
    )
    assert left == {"max_model_calls": 2, "max_tokens": 850, "max_usd": 0.0, "max_wall_s": 20.0}
    assert remaining_budget(None, spent) is None
    assert (
        KernelOptions(search="evolve").candidates() == 8 and KernelOptions(search="single").candidates() == 1
    )


def test_examples_come_from_other_tasks_of_the_category() -> None:
    from chipsmith.agents.kernel_examples import category_of, pick_examples
    from chipsmith.benchmarks.suites_api import load_suite

    relu = next(t for t in load_suite("chipsmith-kernels") if t.id == "relu")
    ref = relu.public.interface
    picked = pick_examples("relu", "activation", ref, "cpp", n=3)
    assert picked and all(e.task != "relu" and e.reference.strip() != ref.strip() for e in picked)
    assert picked[0].category == "activation"
    # the same reference under another id (a session's copy) is still left out
    assert all(e.task != "relu" for e in pick_examples("my_relu", None, ref, "cpp", n=40, max_chars=10**6))
    assert category_of("kernelbench", "return torch.matmul(a, b)") == "gemm"
    assert category_of(None, "y = x + 1") == "elementwise"


def test_the_solution_control_submits_the_task_s_own_solution_for_the_run_s_backend() -> None:
    from chipsmith.agents.base import RunContext
    from chipsmith.agents.kernel_baseline import KernelSolutionAgent
    from chipsmith.benchmarks.suites_api import load_suite

    task = next(t for t in load_suite("chipsmith-kernels") if t.id == "relu")
    prepared = {task.id: KernelSolutionAgent.oracle(task).model_dump()}
    agent = KernelSolutionAgent(oracle=prepared)
    cand = agent.solve(task.public, RunContext(backend="triton"))
    assert (
        cand.backend == "triton"
        and cand.files["candidate.py"] == task.hidden.files["solutions/triton.py"].decode()
    )
    with pytest.raises(ValueError, match="no example solution for the cuda12 backend"):
        agent.solve(task.public, RunContext(backend="cuda12"))
