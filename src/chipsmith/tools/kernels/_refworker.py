"""Task validation in one trusted sandboxed process: why each task in a list is unusable.

``python -m chipsmith.tools.kernels._refworker job.json`` with ``job = {"role": "validate",
"device": ..., "tasks": [{"id", "reference", "shapes"}]}`` -> ``result.json`` with ``tasks``: id ->
reasons (degenerate outputs, or a reference that fails). It never loads candidate code.
"""

from __future__ import annotations

import sys
import traceback
from typing import Any

import torch

from chipsmith.tools.kernels._reference import validate_task
from chipsmith.tools.kernels._worker_common import emit, fatal, read_job, set_threads


def main(argv: list[str]) -> int:
    job = read_job(argv[1] if len(argv) > 1 else "job.json")
    set_threads()
    torch.use_deterministic_algorithms(False)
    meta: dict[str, Any] = {"tasks": {}}
    try:
        for t in job["tasks"]:
            meta["tasks"][t["id"]] = validate_task(t["reference"], t["shapes"], job["device"])
        emit(meta)
    except Exception as exc:
        fatal(meta, "reference", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=-3)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
