"""FLOP/byte declarations (``kernel_work``, ``kernel_suites.task_work``): the safe formula evaluator,
the loader's checks, and every built-in task's declaration against its reference's real tensors."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from chipsmith.benchmarks.adapters._common import SuiteError
from chipsmith.benchmarks.kernel_suites import BUILTIN_DIR, load_chipsmith_kernels, load_task_dir, task_work
from chipsmith.benchmarks.kernel_work import (
    FormulaError,
    check_declaration,
    evaluate,
    formula_names,
    module_constants,
    parse_formula,
    work,
)
from helpers import require_module

pytestmark = pytest.mark.unit

TASKS = load_chipsmith_kernels()
# Where torch's FlopCounterMode counts more than the declared (minimal) work, and why.
SKIPPED_WORK = {
    "causal_attention": "the masked upper half of the scores is not computed",
}


def value(text: str, **names: float) -> float:
    return evaluate(parse_formula(text), names)


def test_formulas_are_arithmetic_over_sizes():
    assert value("2*M*N*K", M=2, N=3, K=4) == 48
    assert value("4*(M*K + K*N + M*N)", M=1, N=2, K=3) == 44
    assert value("B*(T*(T + 1)//2)*(4*D + 5)", B=1, T=3, D=1) == 54
    assert value("max(N, 8) + ceil(N / 3) - -1", N=4) == 11
    assert value("2**K % 7", K=5) == 4
    assert formula_names(parse_formula("min(M, N) * K")) == {"M", "N", "K"}


@pytest.mark.parametrize(
    "text,why",
    [
        ("__import__('os').system('true')", "may be called"),
        ("N.real", "Attribute"),
        ("N.bit_length()", "may be called"),
        ("[N for N in range(3)]", "ListComp"),
        ("lambda: 1", "Lambda"),
        ("'N' * 3", "Constant"),
        ("N if N else 1", "IfExp"),
        ("N > 1", "Compare"),
        ("True + N", "Constant"),
        ("print(N)", "may be called"),
        ("max(*N)", "Starred"),
        ("", "non-empty"),
        ("N +", "not an expression"),
        ("N" * 500, "longer than"),
    ],
)
def test_anything_but_arithmetic_is_refused(text: str, why: str):
    with pytest.raises(FormulaError, match=why):
        value(text, N=3)


@pytest.mark.parametrize(
    "text,why",
    [
        ("M*N", "unknown name 'M'"),
        ("N/0", "division by zero"),
        ("N - 10", "not a count"),
        ("N**100", "too large"),
        ("(N*N)**40", "out of range"),
        ("N*1e300*1e300", "out of range"),
    ],
)
def test_bad_values_are_one_line_errors(text: str, why: str):
    with pytest.raises(FormulaError, match=why):
        value(text, N=3)


def test_module_constants_are_read_without_running_code():
    src = "import torch\nN = 4\nSCALE = 0.5\nname = 3\nFLAG = True\nX = compute()\nM: int = 2\n"
    assert module_constants(src) == {"N": 4, "SCALE": 0.5}
    assert module_constants("def broken(:\n") == {}


def test_declaration_checks_name_every_problem():
    shapes = [{"N": 4}, {"N": 1000}]
    assert check_declaration({"flops": "2*N", "bytes": "8*N"}, {}, shapes) == ""
    assert "without bytes" in check_declaration({"flops": "2*N"}, {}, shapes)
    assert "unknown name 'M'" in check_declaration({"flops": "2*M", "bytes": "8*N"}, {}, shapes)
    assert check_declaration({"flops": "2*N*K", "bytes": "8*N"}, {"K": 3}, shapes) == ""
    assert work({"flops": "N/3", "bytes": "N"}, {"N": 4}) == (1, 4)


def test_every_builtin_task_declares_work_at_every_shape():
    assert len(TASKS) >= 46
    for task in TASKS:
        s = task.hidden.settings
        assert set(s.get("work", {})) == {"flops", "bytes"}, task.id
        for i in range(len(s["shapes"])):
            flops, moved = task_work(task, i)
            assert flops > 0 and moved > 0, (task.id, i)
        for i in range(len(s.get("gpu_shapes", []))):
            assert task_work(task, i, gpu=True) > task_work(task, 0), task.id


def test_task_work_errors(tmp_path: Path):
    task = next(t for t in TASKS if t.id == "relu")
    with pytest.raises(SuiteError, match="has 3 shapes; no index 7"):
        task_work(task, 7)
    with pytest.raises(SuiteError, match="0 GPU shapes"):
        task_work(task, 0, gpu=True)
    bare = task.model_copy(deep=True)
    bare.hidden.settings.pop("work")
    with pytest.raises(SuiteError, match="declares no flops/bytes"):
        task_work(bare, 0)


def _task_copy(tmp_path: Path, name: str, edit: tuple[str, str]) -> Path:
    dst = tmp_path / name
    shutil.copytree(BUILTIN_DIR / name, dst)
    toml = dst / "task.toml"
    text = toml.read_text()
    assert edit[0] in text
    toml.write_text(text.replace(edit[0], edit[1]))
    return dst


@pytest.mark.parametrize(
    "edit,why",
    [
        (('flops = "ROWS*COLS"', 'flops = "ROWS*COLUMNS"'), "unknown name 'COLUMNS'"),
        (('flops = "ROWS*COLS"', 'flops = "__import__(1)"'), "may be called"),
        (('bytes = "4*2*ROWS*COLS"\n', ""), "declares flops without bytes"),
        (
            ("[[shapes]]\nROWS = 256", "gpu_shapes = 3\n[[shapes]]\nROWS = 256"),
            "gpu_shapes must be a non-empty list",
        ),
    ],
)
def test_loader_refuses_a_bad_declaration_in_one_line(tmp_path: Path, edit: tuple[str, str], why: str):
    with pytest.raises(SuiteError, match=why) as info:
        load_task_dir(_task_copy(tmp_path, "03_relu", edit))
    assert "\n" not in str(info.value) and "task.toml" in str(info.value)


def test_gpu_shapes_and_public_starter_files_reach_the_task():
    axpy = next(t for t in TASKS if t.id == "hpc_axpy")
    assert axpy.hidden.settings["gpu_shapes"] == [{"N": 268435456}]
    assert axpy.public.starter_files == {}
    for task in (t for t in TASKS if t.category == "cuda2cpp"):
        files = task.public.starter_files
        assert list(files) == ["cuda_kernel.py"], task.id
        assert files["cuda_kernel.py"] == task.hidden.files["solutions/cuda.py"].decode(), task.id
        assert "CUDA_SOURCE" in files["cuda_kernel.py"] and "__global__" in files["cuda_kernel.py"]
        assert files["cuda_kernel.py"].strip() in task.public.spec
        assert task.hidden.settings["pattern"] in {"elementwise", "reduction", "stencil", "gemm", "scan"}
        # the public view never carries the hidden example solutions
        assert "CPP_SOURCE" not in task.public.spec + "".join(files.values()), task.id


def test_cuda2cpp_tasks_cover_every_pattern():
    patterns = [t.hidden.settings["pattern"] for t in TASKS if t.category == "cuda2cpp"]
    assert len(patterns) >= 8
    assert set(patterns) == {"elementwise", "reduction", "stencil", "gemm", "scan"}


def _io_and_counted(task) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    """Bytes of the first shape's inputs, parameters/buffers and outputs; output elements; the
    FLOPs torch's FlopCounterMode sees (matmul/conv/attention ops only)."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode

    from chipsmith.tools.kernels._worker_common import as_list, load_source

    mod = load_source(task.hidden.files["reference.py"].decode(), f"_ref_{task.id}", "reference.py")
    mod.__dict__.update(task.hidden.settings["shapes"][0])
    torch.manual_seed(0)
    model = mod.Model(*mod.get_init_inputs())
    inputs = mod.get_inputs()
    with FlopCounterMode(display=False) as counter, torch.no_grad():
        outputs = as_list(model(*inputs))
    tensors = [t for t in inputs if isinstance(t, torch.Tensor)] + list(model.state_dict().values()) + outputs
    return (
        sum(t.numel() * t.element_size() for t in tensors),
        sum(o.numel() for o in outputs),
        counter.get_total_flops(),
    )


@pytest.mark.parametrize("task", TASKS, ids=lambda t: t.id)
def test_declaration_matches_the_reference_tensors(task):  # type: ignore[no-untyped-def]
    require_module("torch")
    flops, moved = task_work(task, 0)
    io, n_out, counted = _io_and_counted(task)
    # bytes: every input, parameter and output moves at least once; more than twice is a mistake
    assert io <= moved <= 2 * io, f"{task.id}: declared {moved} bytes, tensors hold {io}"
    assert flops > 0 and flops >= n_out / 2, f"{task.id}: {flops} FLOPs for {n_out} outputs"
    floor = counted / 2 if task.id in SKIPPED_WORK else counted
    assert flops >= floor, f"{task.id}: declared {flops} FLOPs, torch counts {counted}"


def test_the_evaluator_walks_only_whitelisted_nodes():
    # a guard on the guard: parse_formula's tree never holds a node outside the whitelist
    allowed = (ast.BinOp, ast.UnaryOp, ast.Name, ast.Load, ast.Constant, ast.Call, ast.operator, ast.unaryop)
    for task in TASKS:
        for text in task.hidden.settings["work"].values():
            assert all(isinstance(n, allowed) for n in ast.walk(parse_formula(text))), text
