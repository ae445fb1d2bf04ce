"""Control candidates that calibrate the harness: the reference must score 100%, null 0%.

``reference_candidate`` submits the task's reference with ``ModelNew = Model`` on the ``torch``
backend (eager PyTorch: the baseline). ``null_candidate`` returns uninitialised tensors of the
right shape and dtype without computing anything (shapes are found by running the reference on
torch's meta device, which computes nothing); on any honest harness it fails every task.
"""

from __future__ import annotations

from chipsmith.benchmarks.task import Candidate, Task

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


def _reference(task: Task) -> str:
    return task.hidden.files["reference.py"].decode()


def reference_candidate(task: Task) -> Candidate:
    """The reference itself as a ``torch`` candidate (expected: pass, speedup 1.0)."""
    src = _reference(task) + "\n\nModelNew = Model\n"
    return Candidate(
        task_id=task.id, files={"candidate.py": src}, backend="torch", meta={"control": "reference"}
    )


def null_candidate(task: Task) -> Candidate:
    """A candidate that computes nothing (expected: fail with mismatch)."""
    src = _reference(task) + NULL_MODEL
    return Candidate(task_id=task.id, files={"candidate.py": src}, backend="torch", meta={"control": "null"})
