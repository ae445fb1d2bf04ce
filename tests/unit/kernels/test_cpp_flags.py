"""The C++ backend's -march override: builds as another x86-64 CPU would, under its own cache key,
and the worker is told the same flags (it names the verified library by the same key)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipsmith.tools.kernels.cpp_backend import CppBackend
from chipsmith.tools.kernels.cpp_runtime import MARCH_ENV, CompileError, build_command, library_key

pytestmark = pytest.mark.unit


def test_default_is_native(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MARCH_ENV, raising=False)
    cmd = build_command(Path("k.cpp"), Path("k.so"))
    assert "-march=native" in cmd and MARCH_ENV not in CppBackend().worker_env()


def test_override_changes_flags_key_and_worker_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MARCH_ENV, raising=False)
    native_key = library_key("int f(){return 0;}")
    monkeypatch.setenv(MARCH_ENV, "x86-64")
    cmd = build_command(Path("k.cpp"), Path("k.so"))
    assert "-march=x86-64" in cmd and "-march=native" not in cmd
    assert library_key("int f(){return 0;}") != native_key
    assert CppBackend().worker_env()[MARCH_ENV] == "x86-64"


def test_a_flag_smuggled_through_the_override_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MARCH_ENV, "native -fplugin=/tmp/x.so")
    with pytest.raises(CompileError, match="not a -march name"):
        build_command(Path("k.cpp"), Path("k.so"))
