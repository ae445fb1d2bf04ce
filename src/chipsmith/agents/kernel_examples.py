"""Category-aware one-shot examples for the kernel agent (MultiKernelBench's idea).

The examples are the built-in chipsmith-kernels suite's own example solutions for the chosen
backend, taken from OTHER tasks of the same category (never the task being solved: a task with
the same id or the same reference source is left out). A task whose category is not one of the
suite's (KernelBench problems, a session's reference) gets one from the words of its reference.
Shorter examples come first, so a small-context model gets the most compact one.
"""

from __future__ import annotations

import functools
import re

from pydantic import BaseModel

NEAR = {
    "elementwise": ("activation", "quantization"),
    "activation": ("elementwise",),
    "reduction": ("normalization", "scan"),
    "normalization": ("reduction", "fused"),
    "gemm": ("fused", "quantization"),
    "fused": ("gemm", "normalization"),
    "convolution": ("stencil", "gemm"),
    "attention": ("normalization", "gemm"),
    "quantization": ("elementwise", "gemm"),
    "scan": ("reduction",),
    "stencil": ("convolution",),
    "sparse": ("gemm", "reduction"),
    "solver": ("stencil", "reduction"),
    "cuda2cpp": ("elementwise", "reduction"),
}
"""Categories to draw from when the task's own has no other example."""
_KEYWORDS = (
    ("attention", r"softmax|attention"),
    ("convolution", r"conv[123]d|conv_transpose|convolution"),
    ("gemm", r"matmul|\bmm\(|bmm|linear|gemm|einsum|@"),
    ("normalization", r"norm\b|layer_norm|batch_norm|group_norm|rms"),
    ("scan", r"cumsum|cumprod|scan"),
    ("reduction", r"\.sum\(|\.mean\(|\.max\(|\.min\(|argmax|argmin|reduce"),
    ("activation", r"relu|gelu|silu|sigmoid|tanh|elu|swish|softplus"),
)


class KernelExample(BaseModel):
    task: str
    category: str
    description: str
    reference: str
    solution: str

    @property
    def size(self) -> int:
        return len(self.reference) + len(self.solution)


def category_of(category: str | None, reference: str) -> str:
    """Pure: a suite category for the task (its own when known, else from its reference's words)."""
    if category and category in NEAR:
        return category
    text = reference.lower()
    for name, pattern in _KEYWORDS:
        if re.search(pattern, text):
            return name
    return "elementwise"


@functools.lru_cache(maxsize=4)
def _pool(backend: str) -> tuple[KernelExample, ...]:
    """Every built-in task's example solution for ``backend`` (loading runs no task code)."""
    from chipsmith.benchmarks.kernel_suites import load_chipsmith_kernels

    out = []
    for t in load_chipsmith_kernels():
        name = t.hidden.solutions.get(backend)
        if not name:
            continue
        out.append(
            KernelExample(
                task=t.id, category=t.category, description=t.public.spec.split("\n\n")[0],
                reference=t.hidden.files["reference.py"].decode(), solution=t.hidden.files[name].decode(),
            )
        )  # fmt: skip
    return tuple(out)


def pick_examples(
    task_id: str, category: str | None, reference: str, backend: str, n: int = 1, max_chars: int = 6000
) -> list[KernelExample]:
    """Up to ``n`` examples of the task's category (then of near ones), none of them this task."""
    if n <= 0:
        return []
    try:
        pool = _pool(backend)
    except Exception:  # no built-in suite (a stripped install): the agent works without examples
        return []
    own = reference.strip()
    others = [e for e in pool if e.task != task_id and e.reference.strip() != own and e.size <= max_chars]
    cat = category_of(category, reference)
    order = [cat, *NEAR.get(cat, ())]
    picked: list[KernelExample] = []
    for c in order:
        picked += sorted((e for e in others if e.category == c and e not in picked), key=lambda e: e.size)
    return picked[:n]
