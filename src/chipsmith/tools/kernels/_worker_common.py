"""Pieces both worker roles share: the job file, loading task modules, writing outputs.

Runs inside the sandboxed worker processes only (imports torch and numpy).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import torch

OUT_META = "result.json"


def read_job(path: str) -> dict[str, Any]:
    return json.loads(Path(path).read_text())  # type: ignore[no-any-return]


def load_module(path: str, name: str, overrides: dict[str, Any] | None = None) -> ModuleType:
    """Execute a task or candidate file as a fresh module; ``overrides`` replace its size constants.

    The module is not put in ``sys.modules`` under a guessable name, so a candidate cannot look up
    the reference through it. Overriding after execution works because ``get_inputs`` and the
    Model read module globals when called.
    """
    mod = ModuleType(name)
    mod.__file__ = str(Path(path).resolve())
    src = Path(path).read_text()
    exec(compile(src, mod.__file__, "exec"), mod.__dict__)  # noqa: S102 - the point of a worker
    if overrides:
        mod.__dict__.update(overrides)
    return mod


def load_source(source: str, name: str, filename: str) -> ModuleType:
    """Execute ``source`` as a fresh module (not in ``sys.modules``) named ``filename`` in tracebacks."""
    mod = ModuleType(name)
    mod.__file__ = filename
    exec(compile(source, filename, "exec"), mod.__dict__)  # noqa: S102 - the point of a worker
    return mod


def as_list(out: Any) -> list[Any]:
    """A forward's result as a list of outputs (a tensor, or a tuple/list of them)."""
    if isinstance(out, list | tuple):
        return list(out)
    return [out]


def to_numpy(t: torch.Tensor) -> np.ndarray:
    """CPU numpy copy; bf16 (which numpy lacks) widens to fp32, losslessly."""
    c = t.detach().to("cpu")
    if c.dtype == torch.bfloat16:
        c = c.float()
    return c.contiguous().numpy().copy()


def set_threads() -> None:
    """Use every core the machine has, for candidate and baseline alike."""
    import os

    n = os.cpu_count() or 1
    torch.set_num_threads(n)


def emit(meta: dict[str, Any], out_dir: str = ".") -> None:
    """Write the JSON metadata the parent reads."""
    Path(out_dir, OUT_META).write_text(json.dumps(meta))


def fatal(meta: dict[str, Any], kind: str, message: str) -> None:
    """Report a failure the parent classifies (``runtime``, ``cheat``, ...) and exit non-zero."""
    meta["fatal"] = {"kind": kind, "message": message[-2000:]}
    Path(OUT_META).write_text(json.dumps(meta))
    sys.exit(3)


def drop_privileges() -> None:
    """Give up every capability and the chance to regain one, before candidate code runs.

    Without capabilities the candidate cannot read the supervisor's memory (the supervisor is not
    dumpable, and reading a non-dumpable process needs CAP_SYS_PTRACE). Inside bubblewrap there are
    none to drop; run as a real root without it, this is what keeps the boundary. Each step may be
    refused (nothing to drop): the supervisor checks the result in /proc itself.
    """
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_securebits, pr_capbset_drop, pr_set_no_new_privs = 28, 24, 38
    # NOROOT, NO_SETUID_FIXUP, KEEP_CAPS and their locks: uid 0 gains nothing from execve.
    libc.prctl(pr_set_securebits, 0x3F & ~0x10, 0, 0, 0)
    for cap in range(64):
        libc.prctl(pr_capbset_drop, cap, 0, 0, 0)
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = (ctypes.c_uint32 * 6)()
    libc.capset(header, data)
    libc.prctl(pr_set_no_new_privs, 1, 0, 0, 0)
