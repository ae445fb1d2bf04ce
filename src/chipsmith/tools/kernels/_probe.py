"""Sandboxed probe for the KernelBench adapter: the largest power-of-two scaling of each problem's
size constants whose inputs fit the element budget, measured on torch's meta device (no memory).

``python -m chipsmith.tools.kernels._probe job.json`` -> ``probe.json``: id -> {fit, factor, dtype}
or {error}.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import torch

from chipsmith.tools.kernels._worker_common import load_module
from chipsmith.tools.kernels.sizes import scale

MAX_HALVINGS = 40


def input_elements(mod: Any, overrides: dict[str, int]) -> tuple[int, str]:
    """Total elements of ``get_inputs()`` under ``overrides`` (built on the meta device), and the
    first floating input's dtype."""
    mod.__dict__.update(overrides)
    with torch.device("meta"):
        items = mod.get_inputs()
    tensors = [t for t in items if isinstance(t, torch.Tensor)]
    dtype = next((str(t.dtype).replace("torch.", "") for t in tensors if t.is_floating_point()), "float32")
    return sum(t.numel() for t in tensors), dtype


def fit(path: str, consts: dict[str, int], budget: int) -> dict[str, Any]:
    if "__error__" in consts:
        return {"error": str(consts["__error__"])}
    try:
        mod = load_module(path, "_kb_problem")
        factor = 1.0
        for _ in range(MAX_HALVINGS):
            shape = scale(consts, factor)
            n, dtype = input_elements(mod, shape)
            if n <= budget:
                return {"fit": shape, "factor": factor, "dtype": dtype, "elements": n}
            factor /= 2
    except Exception as exc:  # the problem's own code failed: the task is unusable, with why
        return {"error": f"{type(exc).__name__}: {exc}"[:300]}
    return {"error": f"inputs stay above {budget} elements however the size constants are scaled"}


def main(argv: list[str]) -> int:
    job = json.loads(Path(argv[1] if len(argv) > 1 else "job.json").read_text())
    out = {p["id"]: fit(p["file"], p["consts"], job["budget"]) for p in job["problems"]}
    Path("probe.json").write_text(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
