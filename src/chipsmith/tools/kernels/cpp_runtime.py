"""Build C++ kernel sources into shared libraries with a C ABI, cached by source hash.

``g++ -O3 -fopenmp -shared -fPIC`` takes ~0.06 s for a small kernel, against ~25 s for
torch's load_inline; candidates call the library on ``tensor.data_ptr()`` through ctypes.

Inside a harness worker ``load_cpp`` builds nothing: it loads the library the host built and
verified, which the supervisor hands over as a sealed memfd (``CHIPSMITH_KERNEL_LIBS``: digest ->
descriptor); any other source is refused there.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import re
import subprocess
import tempfile
from pathlib import Path

CXXFLAGS = ["-O3", "-march=native", "-fopenmp", "-shared", "-fPIC", "-std=c++17"]
MARCH_ENV = "CHIPSMITH_CPP_MARCH"
"""Overrides ``-march=native`` (e.g. ``x86-64``: SSE2, no FMA; ``x86-64-v3``: AVX2 + FMA): builds
as another x86-64 CPU would, to check that results do not depend on the instruction set."""


def cxxflags() -> list[str]:
    """g++ flags: ``CXXFLAGS`` with ``-march`` from ``CHIPSMITH_CPP_MARCH`` when set."""
    march = os.environ.get(MARCH_ENV, "").strip()
    if not march:
        return list(CXXFLAGS)
    if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", march):
        raise CompileError(f"{MARCH_ENV}={march!r} is not a -march name")
    return [f"-march={march}" if f.startswith("-march=") else f for f in CXXFLAGS]


class CompileError(RuntimeError):
    """g++ rejected the source; the message holds its diagnostics."""


def cache_dir() -> Path:
    """Shared build cache (``CHIPSMITH_KERNEL_CACHE``, default the user cache dir): the host builds
    here; harness workers never read it (they get the verified library from the supervisor)."""
    env = os.environ.get("CHIPSMITH_KERNEL_CACHE")
    if env:
        return Path(env)
    import platformdirs

    root = Path(platformdirs.user_cache_dir("chipsmith")) / "kernels"
    root.mkdir(parents=True, exist_ok=True)
    return root


def _writable_dir() -> Path:
    root = cache_dir()
    try:
        root.mkdir(parents=True, exist_ok=True)
        if os.access(root, os.W_OK):
            return root
    except OSError:
        pass
    fallback = Path(tempfile.gettempdir()) / f"chipsmith-kernels-{os.getuid()}"
    fallback.mkdir(parents=True, exist_ok=True)
    return fallback


def cpu_signature() -> str:
    """This CPU's model and feature flags: ``-march=native`` output is only valid on such a CPU, so
    it is part of the build cache key (a cache shared between machines never serves a foreign build)."""
    try:
        info = Path("/proc/cpuinfo").read_text()
    except OSError:
        return "unknown"
    wanted = [ln for ln in info.splitlines() if ln.startswith(("model name", "flags"))][:2]
    return hashlib.sha256("\n".join(wanted).encode()).hexdigest()[:12]


def library_key(source: str) -> str:
    """Pure given the CPU: the digest naming the library built from ``source``."""
    return hashlib.sha256((source + " ".join(cxxflags()) + cpu_signature()).encode()).hexdigest()[:20]


def provided_library(digest: str) -> str | None:
    """In a harness worker: the path of the verified library with this digest (None elsewhere);
    ``CompileError`` for a source the harness did not verify."""
    import json

    provided = os.environ.get("CHIPSMITH_KERNEL_LIBS")
    if provided is None:
        return None
    fds = json.loads(provided)
    if digest not in fds:
        raise CompileError("inside the harness only the file's literal source string can be loaded")
    return f"/proc/self/fd/{int(fds[digest])}"


def build_command(src: Path, out: Path) -> list[str]:
    """Pure: the g++ command that builds ``src`` into ``out``."""
    return ["g++", *cxxflags(), str(src), "-o", str(out)]


def build_cpp(source: str) -> Path:
    """Compile ``source`` (cached by its hash) and return the shared library's path."""
    digest = library_key(source)
    lib = cache_dir() / f"k_{digest}.so"
    if lib.exists():
        return lib
    lib = _writable_dir() / f"k_{digest}.so"
    if lib.exists():
        return lib
    src = lib.with_suffix(".cpp")
    src.write_text(source)
    tmp = lib.with_suffix(f".{os.getpid()}.tmp.so")
    try:
        proc = subprocess.run(build_command(src, tmp), capture_output=True, text=True, timeout=120)
    except FileNotFoundError as exc:
        raise CompileError("g++ not found: install a C++ compiler") from exc
    if proc.returncode != 0:
        raise CompileError(proc.stderr.strip() or "g++ failed")
    os.replace(tmp, lib)  # atomic: concurrent builders never see a half-written library
    return lib


def load_cpp(source: str) -> ctypes.CDLL:
    """Compile (or reuse) and load a C++ source with ``extern "C"`` entry points."""
    return ctypes.CDLL(provided_library(library_key(source)) or str(build_cpp(source)))
