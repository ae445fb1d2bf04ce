"""Static anti-cheat checks: each finds its loophole, honest kernels are never flagged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chipsmith.tools.kernels.anticheat import CHECKS, UnknownCheckError, run_checks
from chipsmith.tools.kernels.backends import get_backend

pytestmark = pytest.mark.unit

DATA = Path(__file__).resolve().parents[2] / "data" / "kernels"
SUITE = Path(__file__).resolve().parents[3] / "src/chipsmith/benchmarks/suites/chipsmith_kernels"
EXPLOITS = sorted((DATA / "exploits").glob("*.py"))


def header(path: Path) -> dict[str, str]:
    return dict(re.findall(r"^# (\w+): (.*)$", path.read_text(), re.M))


# One offending snippet per check in the table.
SNIPPETS = {
    "torch-compute": "def forward(self, x):\n    return torch.relu(x)\n",
    "reference": "class ModelNew(Model):\n    pass\n",
    "fallback": "try:\n    k()\nexcept Exception:\n    pass\n",
    "monkey-patch": "import time\ntime.perf_counter = lambda: 0.0\n",
    "side-effects": "import threading\n",
    "tensor-subclass": "class Lazy(torch.Tensor):\n    pass\n",
    "memory": "t = torch.frombuffer(buf, dtype=torch.float32)\n",
    "caching": "def forward(self, x):\n    return cache[x.data_ptr()]\n",
    "shape-special": "def forward(self, x):\n    if x.numel() == 65536:\n        return fast(x)\n",
    "python-compute": "import numpy as np\n",
}


def test_every_check_has_a_snippet() -> None:
    assert set(SNIPPETS) == set(CHECKS)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_check_finds_its_loophole(name: str) -> None:
    found = run_checks(SNIPPETS[name], [name])
    assert found and all(f.check == name for f in found)
    assert found[0].line is not None


def test_unknown_check_is_an_error() -> None:
    with pytest.raises(UnknownCheckError, match="no-such-check"):
        run_checks("x = 1\n", ["no-such-check"])


def test_syntax_error_is_a_finding() -> None:
    assert [f.check for f in run_checks("def (:\n")] == ["syntax"]


def test_parameters_in_init_and_allowed_calls_are_not_flagged() -> None:
    src = (
        "class ModelNew(nn.Module):\n"
        "    def __init__(self, n):\n        super().__init__()\n        self.w = nn.Parameter(torch.randn(n))\n"
        "    def forward(self, x):\n        out = torch.empty_like(x)\n        _lib.k(x.data_ptr(), out.data_ptr(), x.numel())\n"
        "        return out.view(x.shape)\n"
    )
    assert run_checks(src) == []


STATIC_FINDINGS = set(CHECKS) | {"no-kernel"}


@pytest.mark.parametrize(
    "path", [p for p in EXPLOITS if header(p).get("static") in STATIC_FINDINGS], ids=lambda p: p.stem
)
def test_exploit_caught_statically(path: Path) -> None:
    meta = header(path)
    findings = get_backend(meta["backend"]).detect_cheating(path.read_text())
    assert meta["static"] in {f.check for f in findings}


# One exploit of our own per class of issue 15 (and issue 9's cases), by file name.
ISSUE_CLASSES = {
    "guard turned off from inside (built names)": "guard_off_getattr",
    "guard class swapped for a quiet subclass": "guard_subclass_swap",
    "frame-walking to the reference's forward": "frame_walk_reference",
    "numpy does the work (np.maximum into out.numpy())": "numpy_relu",
    "np.matmul through OpenBLAS": "numpy_matmul_blas",
    "torch on another Python thread": "torch_thread",
    "Python run from the C++ (PyRun)": "pyrun_from_cpp",
    "C++ calling the loaded BLAS's sgemm_": "cpp_sgemm",
    "exit hook forging the result files": "exit_hook_forge",
    "rebinding the saved clock": "clock_rebind",
    "answers precomputed by input hash": "precompute_lookup",
    "partial work on unchecked timed calls": "partial_unchecked",
    "native std::thread working while untimed": "native_thread_flush",
    "triton kernel launched, result discarded": "triton_discarded",
    "cuda kernel launched, result discarded": "cuda_discarded",
    "cache keyed by a hash of the input bytes (timing)": "hash_cache_timing",
}


def test_exploit_library_is_large_and_labelled() -> None:
    assert len(EXPLOITS) >= 22 + len(ISSUE_CLASSES)
    assert {p.stem for p in EXPLOITS} >= set(ISSUE_CLASSES.values())
    for p in EXPLOITS:
        meta = header(p)
        assert {"exploit", "task", "backend", "expect"} <= set(meta), p.name
        assert meta.get("time", "no") in ("yes", "no"), p.name
        assert meta["expect"] in ("cheat", "mismatch", "slow"), p.name
        assert meta.get("dynamic", "cheat") in ("cheat", "mismatch", "slow", "runtime"), p.name


def honest_solutions() -> list[tuple[str, str, Path]]:
    out = []
    for root in (DATA / "tasks", SUITE):
        if root.is_dir():
            for sol in sorted(root.glob("*/solutions/*.py")):
                out.append((sol.parent.parent.name, sol.stem, sol))
    return out


@pytest.mark.parametrize(
    "task,backend,path", honest_solutions(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_honest_solutions_never_flagged(task: str, backend: str, path: Path) -> None:
    assert get_backend(backend).detect_cheating(path.read_text()) == []
