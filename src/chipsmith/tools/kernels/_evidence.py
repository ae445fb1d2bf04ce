"""The worker's evidence as the supervisor keeps it: validated, reduced to plain types, merged.

The worker is the candidate's process: whatever it reports is reduced to the types the verdict
reads, and anything malformed becomes evidence against it, never an error in the supervisor.
No torch here.
"""

from __future__ import annotations

from typing import Any

DTYPES = frozenset(
    "float32 float64 float16 bfloat16 int8 uint8 int16 int32 int64 bool complex64 complex128".split()  # noqa: SIM905
)


def sanitize(ev: Any) -> dict[str, Any]:
    """The worker's own evidence, reduced to the types the verdict reads (the worker is the
    candidate's process: anything else becomes evidence against it, never an error here)."""
    if not isinstance(ev, dict):
        return {"bad_ops": {"<malformed evidence>": 1}}
    ops = ev.get("bad_ops") or {}
    out: dict[str, Any] = {
        "bad_ops": {str(k)[:80]: v for k, v in ops.items() if isinstance(v, int)}
        if isinstance(ops, dict)
        else {"<malformed evidence>": 1},
        "types": [str(t)[:200] for t in ev.get("types", [])]
        if isinstance(ev.get("types", []), list)
        else ["?"],
    }
    for k in ("oob_writes", "new_threads"):
        v = ev.get(k, 0)
        out[k] = v if isinstance(v, int) and v >= 0 else 1
    if "uncovered" in ev:
        unc = ev["uncovered"]
        out["uncovered"] = [i for i in unc if isinstance(i, int)] if isinstance(unc, list) else [-1]
    return out


def merge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Evidence of two calls of one case: counts add, flags or, lists concatenate."""
    out = dict(a)
    for k, v in b.items():
        if k not in out:
            out[k] = v
        elif isinstance(v, bool):
            out[k] = out[k] or v
        elif isinstance(v, int | float):
            out[k] = out[k] + v
        elif isinstance(v, dict):
            out[k] = {x: out[k].get(x, 0) + v.get(x, 0) for x in set(out[k]) | set(v)}
        elif isinstance(v, list):
            out[k] = out[k] + v
    return out
