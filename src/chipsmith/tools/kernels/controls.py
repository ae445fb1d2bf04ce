"""Control sources that calibrate the harness: the reference must score 100%, null 0%.

``reference_source`` is the task's reference with ``ModelNew = Model`` (run on the ``torch``
backend: eager PyTorch, the baseline). ``null_source`` returns uninitialised tensors of the right
shape and dtype without computing anything (shapes are found by running the reference on torch's
meta device, which computes nothing); on any honest harness it fails every task. The benchmark
side wraps them into candidates (``chipsmith.benchmarks.kernel_tasks``).
"""

from __future__ import annotations

NULL_MODEL = '''

class ModelNew(nn.Module):
    """Null control: right shapes and dtypes, no computation."""

    def __init__(self, *init_args):
        super().__init__()
        with torch.device("meta"):
            self._shapes = [Model(*init_args)]  # a list, so it is not a submodule

    def forward(self, *inputs):
        metas = [t.to("meta") if isinstance(t, torch.Tensor) else t for t in inputs]
        out = self._shapes[0](*metas)
        dev = next((t.device for t in inputs if isinstance(t, torch.Tensor)), None)
        if isinstance(out, (tuple, list)):
            return type(out)(torch.empty(o.shape, dtype=o.dtype, device=dev) for o in out)
        return torch.empty(out.shape, dtype=out.dtype, device=dev)
'''


def reference_source(reference: str) -> str:
    """The reference itself as a kernel file (expected on the ``torch`` backend: pass, speedup 1.0)."""
    return reference + "\n\nModelNew = Model\n"


def null_source(reference: str) -> str:
    """A kernel file that computes nothing (expected: fail with mismatch)."""
    return reference + NULL_MODEL
