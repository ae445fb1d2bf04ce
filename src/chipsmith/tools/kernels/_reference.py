"""The trusted worker: computes reference outputs (task dtype and fp64) and checks task sanity.

``python -m chipsmith.tools.kernels._refworker job.json``. It never loads candidate code, so what
it writes is the ground truth the parent compares the candidate worker's outputs against. Role
``reference`` serves one check; role ``validate`` checks a list of tasks for degeneracy (constant
or near-zero outputs, outputs that ignore an input), one process for the whole list.
"""

from __future__ import annotations

import copy
import sys
import traceback
from typing import Any

import numpy as np
import torch

from chipsmith.tools.kernels import inputs as inp
from chipsmith.tools.kernels._worker_common import (
    as_list,
    emit,
    fatal,
    load_module,
    read_job,
    set_threads,
    to_numpy,
)


def build(ref_file: str, shape: dict[str, Any], seed: int, device: str) -> tuple[Any, Any, Any]:
    """(module, model in the task dtype, fp64 copy or None when the model cannot run in fp64)."""
    mod = load_module(ref_file, "_ref", shape)
    model = mod.Model(*inp.init_inputs(mod, seed)).to(device).eval()
    try:
        m64 = copy.deepcopy(model).double()
    except Exception:  # a model that cannot be deep-copied just skips the fp64 comparison
        m64 = None
    return mod, model, m64


def widen(args: list[Any]) -> list[Any]:
    return [a.double() if isinstance(a, torch.Tensor) and a.is_floating_point() else a for a in args]


def run(model: Any, args: list[Any]) -> list[torch.Tensor]:
    with torch.no_grad():
        return [o for o in as_list(model(*[a.clone() if isinstance(a, torch.Tensor) else a for a in args]))]


def degenerate_reasons(mod: Any, model: Any, seed: int, device: str, per_input: bool = True) -> list[str]:
    """Why a task cannot tell kernels apart: constant, ~0, or input-independent outputs
    (``per_input``: also re-draw each floating input alone, one forward each)."""
    a = inp.case_inputs(mod, seed, "normal", device)
    b = inp.case_inputs(mod, seed + 1, "normal", device)
    out_a, out_b = run(model, a), run(model, b)
    reasons = []
    for i, (oa, ob) in enumerate(zip(out_a, out_b, strict=True)):
        if not isinstance(oa, torch.Tensor) or not oa.is_floating_point():
            continue
        fin = oa[torch.isfinite(oa)]
        if fin.numel() == 0:
            reasons.append(f"output {i} is entirely non-finite")
        elif float(fin.abs().max()) < 1e-6:
            reasons.append(f"output {i} is ~0 for every element")
        elif fin.numel() > 1 and float(fin.max() - fin.min()) == 0.0:
            reasons.append(f"output {i} is constant ({float(fin[0]):g})")
        elif torch.equal(oa, ob):
            reasons.append(f"output {i} does not depend on the inputs")
    floats = [
        j for j, t in enumerate(a) if isinstance(t, torch.Tensor) and t.is_floating_point() and per_input
    ]
    for j in floats:
        mixed = list(a)
        mixed[j] = b[j]
        if all(torch.equal(x, y) for x, y in zip(run(model, mixed), out_a, strict=True)):
            reasons.append(f"output does not depend on input {j}")
    return reasons


def reference_role(job: dict[str, Any], meta: dict[str, Any]) -> dict[str, np.ndarray]:
    device, seed = job["device"], job["init_seed"]
    arrays: dict[str, np.ndarray] = {}
    built: dict[int, tuple[Any, Any, Any]] = {}
    meta["cases"] = {}

    def record(key: str, mod: Any, model: Any, m64: Any, args: list[Any]) -> dict[str, Any]:
        rec: dict[str, Any] = {"digest": inp.digest(args)}
        outs = run(model, args)
        rec["dtypes"] = [str(o.dtype) for o in outs]
        rec["shapes"] = [list(o.shape) for o in outs]
        for i, o in enumerate(outs):
            arrays[f"{key}.r.{i}"] = to_numpy(o)
        if m64 is not None:
            try:
                for i, o in enumerate(run(m64, widen(args))):
                    arrays[f"{key}.g.{i}"] = to_numpy(o.double())
            except Exception as exc:  # an op without an fp64 kernel: no precision check
                rec["fp64_error"] = f"{type(exc).__name__}: {exc}"[:300]
        return rec

    for case in job["cases"]:
        s = case["shape"]
        if s not in built:
            built[s] = build("reference.py", job["shapes"][s], seed, device)
        mod, model, m64 = built[s]
        args = inp.case_inputs(mod, case["seed"], case["dist"], device)
        meta["cases"][case["key"]] = record(case["key"], mod, model, m64, args)
    spec = job.get("timing")
    if spec:
        mod, model, m64 = built.get(spec["shape"]) or build(
            "reference.py", job["shapes"][spec["shape"]], seed, device
        )
        for i in spec["check_iters"]:
            args = inp.case_inputs(mod, spec["seeds"][i], "normal", device)
            meta["cases"][f"t{i}"] = record(f"t{i}", mod, model, m64, args)
    small = min(range(len(job["shapes"])), key=lambda k: sum(int(v) for v in job["shapes"][k].values()))
    mod, model, _ = built.get(small) or build("reference.py", job["shapes"][small], seed, device)
    meta["degenerate"] = degenerate_reasons(mod, model, seed + 101, device)
    return arrays


def validate_role(job: dict[str, Any], meta: dict[str, Any]) -> None:
    """Every task in ``job["tasks"]``: the reasons it is unusable (empty when it is fine)."""
    meta["tasks"] = {}
    for t in job["tasks"]:
        reasons: list[str] = []
        # Every shape for constant/~0 outputs; the per-input re-draws on the smallest shape only.
        smallest = min(range(len(t["shapes"])), key=lambda k: sum(int(v) for v in t["shapes"][k].values()))
        try:
            for k, shape in enumerate(t["shapes"]):
                mod, model, _ = build(t["reference"], shape, 1, job["device"])
                for r in degenerate_reasons(mod, model, 11, job["device"], per_input=k == smallest):
                    reasons.append(f"{r} (shape {shape})")
        except Exception as exc:
            reasons.append(f"reference fails: {type(exc).__name__}: {exc}"[:300])
        meta["tasks"][t["id"]] = sorted(set(reasons))


def main(argv: list[str]) -> int:
    job = read_job(argv[1] if len(argv) > 1 else "job.json")
    set_threads()
    torch.use_deterministic_algorithms(False)
    meta: dict[str, Any] = {}
    try:
        if job["role"] == "validate":
            validate_role(job, meta)
            emit({}, meta)
        else:
            emit(reference_role(job, meta), meta)
    except Exception as exc:
        fatal(meta, "reference", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=-3)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
