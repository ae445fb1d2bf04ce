"""ptxas resource report parsing, on output recorded from nvcc 13 (-Xptxas -v, sm_90)."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipsmith.tools.kernels.cuda_runtime import parse_ptxas, ptxas_command

pytestmark = pytest.mark.unit

DATA = Path(__file__).resolve().parents[2] / "data" / "kernels" / "ptxas"


def test_registers_and_shared_memory() -> None:
    (k,) = parse_ptxas((DATA / "relu_sm90.txt").read_text())
    assert k.name == "_Z6relu_kPKfPfl"
    assert (k.registers, k.smem_bytes, k.spill_stores, k.stack_bytes) == (12, 1024, 0, 0)


def test_stack_frame_reported() -> None:
    (k,) = parse_ptxas((DATA / "spill_sm90.txt").read_text())
    assert k.registers == 32 and k.stack_bytes == 2048


def test_error_log_has_no_kernels() -> None:
    assert parse_ptxas((DATA / "error_sm90.txt").read_text()) == []


def test_command_is_compile_only_with_verbose_ptxas() -> None:
    cmd = ptxas_command(Path("k.cu"), Path("k.o"), "sm_80")
    assert cmd[:4] == ["nvcc", "-c", "-Xptxas", "-v"] and "-arch=sm_80" in cmd
