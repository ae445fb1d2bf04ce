# A correct ReLU that first looks for everything the harness must keep from a candidate: the job
# file, the reference, the libraries on disk, the supervisor's (and the zygote's) memory,
# environment and descriptors, secrets in its own environment or memory, capabilities. It raises
# with what it found, so a pass means it found nothing.
# task: t-relu
# backend: cpp
# expect: pass
import ctypes
import os
import re
from pathlib import Path

import torch
import torch.nn as nn

from chipsmith.tools.kernels.cpp_runtime import load_cpp

CPP_SOURCE = r"""
#include <cstdint>
extern "C" void relu_f32(const float* x, float* y, int64_t n) {
    for (int64_t i = 0; i < n; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}
"""

_lib = load_cpp(CPP_SOURCE)
_lib.relu_f32.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64]


def _parent(pid):
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def _readable(path):
    try:
        with open(path, "rb") as fh:
            fh.read(16)
        return True
    except OSError:
        return False


def _own_memory_has(patterns):
    """Which patterns match the process's own heap (patterns, not literals: a literal needle
    would always find itself)."""
    found = set()
    with open("/proc/self/mem", "rb") as mem:
        for line in Path("/proc/self/maps").read_text().splitlines():
            parts = line.split()
            if "r" not in parts[1] or (len(parts) > 5 and not parts[5].startswith("[heap")):
                continue
            lo, hi = (int(v, 16) for v in parts[0].split("-"))
            try:
                mem.seek(lo)
                data = mem.read(hi - lo)
            except (OSError, ValueError, OverflowError):
                continue
            found |= {p.pattern for p in patterns if p.search(data)}
    return found


def spy():
    found = []
    leftovers = [n for n in os.listdir(".") if n.endswith((".json", ".so")) or n == "reference.py"]
    if leftovers:
        found.append(f"files {leftovers}")
    zygote = os.getppid()
    supervisor = _parent(zygote)
    for pid in (zygote, supervisor):
        for what in ("mem", "environ", "fd/0", "fd/3", "maps"):
            if _readable(f"/proc/{pid}/{what}"):
                found.append(f"/proc/{pid}/{what}")
    env = [k for k, v in os.environ.items() if re.fullmatch(r"[0-9a-f]{64}", v) or "SEED" in k or "KEY" in k]
    if env:
        found.append(f"environment {env}")
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    if int(status["CapEff"].strip(), 16):
        found.append(f"capabilities {status['CapEff'].strip()}")
    needles = _own_memory_has({re.compile(rb'"key": "[0-9a-f]{64}"'), re.compile(rb'"seed": [0-9]+, "device"')})
    if needles:
        found.append(f"own memory holds {sorted(needles)}")
    if found:
        raise RuntimeError("the candidate reached: " + "; ".join(found))


spy()


class ModelNew(nn.Module):
    def __init__(self):
        super().__init__()

    def forward(self, x):
        out = torch.empty_like(x)
        _lib.relu_f32(x.data_ptr(), out.data_ptr(), x.numel())
        return out
