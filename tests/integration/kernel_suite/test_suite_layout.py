"""Static checks of the chipsmith-kernels suite: layout, task.toml fields, shapes, solution hygiene.

Pure file reads and AST walks (nothing is imported or run), so these stay fast.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

SUITE = Path(__file__).resolve().parents[3] / "src/chipsmith/benchmarks/suites/chipsmith_kernels"
CATEGORIES = {
    "elementwise",
    "activation",
    "reduction",
    "normalization",
    "gemm",
    "convolution",
    "attention",
    "fused",
    "quantization",
    "scan",
    "stencil",
    "sparse",
    "solver",
    "cuda2cpp",
}
TASKS = sorted(p for p in SUITE.iterdir() if (p / "task.toml").is_file())
# torch compute a solution's forward must not call; allocation and views are allowed
FORBIDDEN = {
    "relu",
    "softmax",
    "log_softmax",
    "matmul",
    "mm",
    "bmm",
    "mv",
    "sum",
    "mean",
    "amax",
    "max",
    "exp",
    "clamp",
    "round",
    "cumsum",
    "conv1d",
    "conv2d",
    "linear",
    "layer_norm",
    "batch_norm",
    "gelu",
    "silu",
    "hardswish",
    "leaky_relu",
    "rsqrt",
    "tanh",
    "sigmoid",
    "add",
    "mul",
    "masked_fill",
    "where",
    "einsum",
}
ALLOWED_TORCH = {"empty", "empty_like", "zeros", "device", "dtype", "int8", "int32", "float32"}


def meta(task: Path) -> dict:
    return tomllib.loads((task / "task.toml").read_text())


def forward_calls(path: Path) -> list[str]:
    """Names of calls and ``@`` uses inside ``ModelNew.forward`` that look like torch compute."""
    tree = ast.parse(path.read_text())
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "ModelNew")
    fwd = next(n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "forward")
    found = []
    for node in ast.walk(fwd):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.MatMult):
            found.append("@")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            base = node.func.value
            name = node.func.attr
            is_torch = isinstance(base, ast.Name) and base.id in ("torch", "F")
            if (is_torch and name not in ALLOWED_TORCH) or name in FORBIDDEN:
                found.append(name)
    return found


def test_suite_has_at_least_25_tasks_covering_every_category():
    assert len(TASKS) >= 25
    assert {meta(t)["category"] for t in TASKS} == CATEGORIES
    ids = [meta(t)["id"] for t in TASKS]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"\d\d_[a-z0-9_]+", t.name) for t in TASKS)


@pytest.mark.parametrize("task", TASKS, ids=lambda t: t.name)
def test_task_files_and_fields(task: Path):
    m = meta(task)
    assert re.fullmatch(r"[a-z0-9_]+", m["id"])
    assert m["difficulty"] in {"easy", "medium", "hard"}
    assert m["description"].strip()
    for name in ("reference.py", "solutions/triton.py", "solutions/cpp.py", "solutions/cuda.py"):
        assert (task / name).is_file(), name
    ref = (task / "reference.py").read_text()
    for needed in ("class Model(nn.Module)", "def get_inputs()", "def get_init_inputs()"):
        assert needed in ref
    # every shape key is a module-level UPPERCASE constant of the reference
    consts = set(re.findall(r"^([A-Z][A-Z0-9_]*) = ", ref, re.M))
    assert len(m["shapes"]) >= 3
    for shape in m["shapes"]:
        assert shape and set(shape) <= consts, shape
    # at least one awkward shape: some size not a multiple of 32
    assert any(v % 32 for shape in m["shapes"] for v in shape.values() if isinstance(v, int))


@pytest.mark.parametrize("task", TASKS, ids=lambda t: t.name)
@pytest.mark.parametrize("backend", ["triton", "cpp", "cuda"])
def test_solution_forward_uses_no_torch_compute(task: Path, backend: str):
    path = task / "solutions" / f"{backend}.py"
    assert forward_calls(path) == []
    src = path.read_text()
    assert "try:" not in src and "Model(" not in src.replace("ModelNew(", "")
    if backend == "triton":
        assert "@triton.jit" in src and "mask=" in src
    else:
        var = "CPP_SOURCE" if backend == "cpp" else "CUDA_SOURCE"
        assert re.search(rf"^{var} = r('''|\"\"\")", src, re.M) and 'extern "C"' in src


def test_forbidden_call_detector_catches_torch_compute(tmp_path: Path):
    bad = tmp_path / "bad.py"
    bad.write_text(
        "import torch\nclass ModelNew:\n    def forward(self, x, w):\n"
        "        y = torch.relu(x)\n        return (y @ w).sum()\n"
    )
    assert sorted(forward_calls(bad)) == ["@", "relu", "sum"]
