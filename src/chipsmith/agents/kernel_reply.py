"""Salvage a kernel file from a model's reply, or say precisely why there is none. Pure functions.

A kernel answer is one Python file defining ``class ModelNew`` (with the backend's kernel source
inside: ``CPP_SOURCE``, ``CUDA_SOURCE`` or ``@triton.jit`` functions). Models answer with a fenced
block, several blocks, bare code, a cut-off block, or only the C++/CUDA part; ``kernel_code``
returns the file when there is one, else a problem line the model can act on.
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from chipsmith.llm.textproto import CodeBlock, extract_code_blocks

PYTHON_TAGS = {"python", "py", "python3", ""}
_MODEL_NEW = re.compile(r"^class\s+ModelNew\b", re.M)
_BARE_START = re.compile(r"^(import |from \w[\w.]* import )", re.M)
SOURCE_NAME = {"cpp": "CPP_SOURCE", "cuda": "CUDA_SOURCE"}


class KernelReply(BaseModel):
    """The kernel file found in a reply, or the problem to tell the model."""

    code: str | None = None
    problem: str | None = None
    source: str = "none"
    """fenced, bare (unfenced Python holding ModelNew), none."""


def _python(block: CodeBlock) -> bool:
    return (block.lang or "").lower() in PYTHON_TAGS


def _bare(text: str) -> str | None:
    """Unfenced Python from its first import to the end, when it defines ModelNew."""
    start = _BARE_START.search(text)
    if start is None or not _MODEL_NEW.search(text, start.start()):
        return None
    return text[start.start() :].strip() + "\n"


def _only_native(blocks: list[CodeBlock], backend: str) -> str | None:
    """A problem line when the reply holds C++/CUDA code but no Python file around it."""
    native = [b for b in blocks if (b.lang or "").lower() in ("c", "cpp", "c++", "cuda", "cu")]
    if not native:
        return None
    name = SOURCE_NAME.get(backend, "the kernel source")
    return (
        f"your reply holds only {native[0].lang} code; the answer is ONE ```python file: put that code in "
        f'a raw string {name} = r"""...""", load it and call it from class ModelNew\'s forward'
    )


def kernel_code(text: str, backend: str) -> KernelReply:
    """The kernel file in ``text`` (a model's reply), or why there is none."""
    blocks = extract_code_blocks(text)
    with_model = [b for b in blocks if _MODEL_NEW.search(b.code)]
    if with_model:
        block = with_model[-1]  # a model often revises itself: the last complete file wins
        if not block.closed:
            return KernelReply(
                problem="your code block was cut off (the reply hit its length limit); send the complete "
                "file, shorter: no comments, no explanation"
            )
        return KernelReply(code=block.code.rstrip() + "\n", source="fenced")
    if (bare := _bare(text)) is not None and "```" not in text:
        return KernelReply(code=bare, source="bare")
    if problem := _only_native(blocks, backend):
        return KernelReply(problem=problem)
    if any(_python(b) for b in blocks):
        return KernelReply(
            problem="your Python code defines no `class ModelNew(nn.Module)`; send the whole file with it"
        )
    return KernelReply(
        problem="your reply has no code: answer with one ```python block holding the complete file "
        "that defines class ModelNew"
    )
