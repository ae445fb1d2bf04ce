"""Pure size arithmetic shared by the KernelBench adapter and its sandboxed probe (no torch)."""

from __future__ import annotations


def scale(consts: dict[str, int], factor: float) -> dict[str, int]:
    """Pure: every size times ``factor``, at least 1."""
    return {k: max(1, int(round(v * factor))) for k, v in consts.items()}
