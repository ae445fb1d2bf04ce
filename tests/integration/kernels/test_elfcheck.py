"""The symbol allowlist and the ablated twin, on libraries g++ really builds."""

from __future__ import annotations

import ctypes
import subprocess
from pathlib import Path

import numpy as np
import pytest

from chipsmith.tools.kernels.elfcheck import ablated, entry_points, imports, symbol_problems
from helpers import require_tool

pytestmark = pytest.mark.integration

RELU = r"""
#include <cstdint>
extern "C" void relu_f32(const float* x, float* y, int64_t n) {
    #pragma omp parallel for if(n > 65536)
    for (int64_t i = 0; i < n; ++i) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}
extern "C" int answer() { return 42; }
"""
DECL = 'extern "C" {{ {decl} }}\nextern "C" void k() {{ {call}; }}\n'
FORBIDDEN = {
    "python": ("int PyRun_SimpleStringFlags(const char*, void*);", 'PyRun_SimpleStringFlags("", 0)'),
    "blas": ("void sgemm_(const char*);", 'sgemm_("N")'),
    "loader": ("void* dlsym(void*, const char*);", 'dlsym(0, "sgemm_")'),
    "thread": ("int pthread_create(void*, void*, void* (*)(void*), void*);", "pthread_create(0, 0, 0, 0)"),
    "files": ("void* fopen(const char*, const char*);", 'fopen("/proc/self/maps", "r")'),
    "protect": ("int mprotect(void*, unsigned long, int);", "mprotect(0, 0, 7)"),
}


def build(tmp: Path, src: str, name: str = "k") -> Path:
    require_tool("g++")
    cpp, so = tmp / f"{name}.cpp", tmp / f"{name}.so"
    cpp.write_text(src)
    subprocess.run(["g++", "-O2", "-fopenmp", "-shared", "-fPIC", str(cpp), "-o", str(so)], check=True)
    return so


def test_an_honest_kernel_imports_only_runtime_symbols(tmp_path: Path) -> None:
    data = build(tmp_path, RELU).read_bytes()
    assert symbol_problems(data) == []
    syms, needed = imports(data)
    assert "libgomp.so.1" in needed and any(s.name == "GOMP_parallel" for s in syms)
    assert {e[0] for e in entry_points(data)} == {"relu_f32", "answer"}


@pytest.mark.parametrize("kind", sorted(FORBIDDEN))
def test_forbidden_imports_are_refused(tmp_path: Path, kind: str) -> None:
    decl, call = FORBIDDEN[kind]
    data = build(tmp_path, DECL.format(decl=decl, call=call)).read_bytes()
    problems = symbol_problems(data)
    assert problems, kind


def test_std_thread_is_refused(tmp_path: Path) -> None:
    src = '#include <thread>\nextern "C" void k() { std::thread t([]{}); t.join(); }\n'
    assert any("thread" in p for p in symbol_problems(build(tmp_path, src).read_bytes()))


def test_garbage_is_not_a_library() -> None:
    assert symbol_problems(b"not an elf")[0].startswith("not a readable shared library")


def test_the_ablated_twin_does_nothing(tmp_path: Path) -> None:
    real = build(tmp_path, RELU)
    twin = tmp_path / "twin.so"
    twin.write_bytes(ablated(real.read_bytes()))
    x = np.linspace(-1, 1, 101, dtype=np.float32)
    results = {}
    for name, path in (("real", real), ("twin", twin)):
        lib = ctypes.CDLL(str(path))
        lib.relu_f32.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64]
        y = np.full_like(x, np.nan)
        lib.relu_f32(x.ctypes.data, y.ctypes.data, x.size)
        results[name] = (y, lib.answer())
    assert np.array_equal(results["real"][0], np.maximum(x, 0)) and results["real"][1] == 42
    assert np.isnan(results["twin"][0]).all() and results["twin"][1] == 0
