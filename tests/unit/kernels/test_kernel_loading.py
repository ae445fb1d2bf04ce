"""Task directories and the KernelBench adapter's pure scaling rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipsmith.benchmarks.adapters._common import SuiteError
from chipsmith.benchmarks.adapters.kernelbench import scale, size_constants, variants
from chipsmith.benchmarks.kernel_suites import load_chipsmith_kernels, load_task_dir, metadata_problems
from chipsmith.benchmarks.kernel_tasks import null_candidate, reference_candidate

pytestmark = pytest.mark.unit

TASKS = Path(__file__).resolve().parents[2] / "data" / "kernels" / "tasks"


def test_task_dir_loads_with_hidden_solutions() -> None:
    t = load_task_dir(TASKS / "01_relu")
    assert (t.id, t.kind, t.category) == ("t-relu", "kernel", "activation")
    assert "class Model" in t.public.spec and "solutions" not in t.public.spec
    assert set(t.hidden.solutions) == {"cpp", "triton"}
    assert t.hidden.settings["shapes"][1] == {"N": 1000}
    assert metadata_problems(t) == []


def test_malformed_task_dir_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "task.toml").write_text("id = [unclosed\n")
    with pytest.raises(SuiteError, match="task.toml"):
        load_task_dir(tmp_path)
    (tmp_path / "task.toml").write_text('id = "x"\ndescription = "d"\nshapes = []\n')
    with pytest.raises(SuiteError, match="shapes"):
        load_task_dir(tmp_path)


def test_builtin_suite_loads() -> None:
    # The suite ships inside the package: an empty list is a broken install, not a pass.
    tasks = load_chipsmith_kernels()
    assert len(tasks) >= 29, [t.id for t in tasks]
    assert [t.id for t in tasks if metadata_problems(t)] == []


def test_size_constants_keep_small_integers() -> None:
    src = "batch_size = 4096\ndim = 393216\nreduce_dim = 1\neps = 1e-5\nNAME = 'x'\n"
    assert size_constants(src) == {"batch_size": 4096, "dim": 393216}
    with pytest.raises(SuiteError):
        size_constants("def (:")


def test_scale_and_variants() -> None:
    fit = scale({"batch_size": 4096, "dim": 393216}, 1 / 32)
    assert fit == {"batch_size": 128, "dim": 12288}
    shapes = variants(fit)
    assert shapes[0] == fit and shapes[1] == {"batch_size": 64, "dim": 6144}
    # Same keys first: all() over an empty shape would pass vacuously.
    assert set(shapes[2]) == set(fit) and all(v % 2 == 1 for v in shapes[2].values())


def test_controls_are_torch_candidates() -> None:
    t = load_task_dir(TASKS / "03_linear")
    ref, null = reference_candidate(t), null_candidate(t)
    assert ref.backend == null.backend == "torch"
    assert ref.files["candidate.py"].rstrip().endswith("ModelNew = Model")
    assert "torch.empty(" in null.files["candidate.py"]
