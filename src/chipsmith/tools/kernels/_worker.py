"""The candidate worker: runs an untrusted kernel file and writes its outputs; it compares nothing.

``python -m chipsmith.tools.kernels._worker job.json`` inside the sandbox, with ``candidate.py``
and ``reference.py`` beside the job. For every case it runs the candidate, then the reference
(whose output it poisons and frees), then the candidate again, with the candidate's forward under
``GuardMode`` (torch compute ops recorded, allocations poisoned and fenced by canaries) and inputs
fenced too. Outputs go to ``result.npz``; the parent compares them with what a separate trusted
process computed, so patching ``allclose`` or timers here changes nothing that is judged.
"""

from __future__ import annotations

import resource
import sys
import threading
import time
import traceback
from typing import Any

import numpy as np
import torch

from chipsmith.tools.kernels import inputs as inp
from chipsmith.tools.kernels._guard import GuardMode
from chipsmith.tools.kernels._worker_common import as_list, emit, fatal, load_module, read_job, set_threads
from chipsmith.tools.kernels._worker_common import to_numpy as _to_numpy_impl
from chipsmith.tools.kernels.timing import measure

# Captured before candidate code runs: rebinding module attributes later cannot reach these.
_perf = time.perf_counter
_threads = threading.enumerate
_to_numpy = _to_numpy_impl
_digest = inp.digest


class Runner:
    """Runs the candidate and the in-process reference for one job, collecting evidence."""

    def __init__(self, job: dict[str, Any], cand: Any) -> None:
        self.job, self.cand = job, cand
        self.device = job["device"]
        self.guarded = job.get("guard", True)
        self.meta: dict[str, Any] = {"cases": {}, "flags": []}
        self.arrays: dict[str, np.ndarray] = {}
        self.ref_calls = 0
        self._in_cand = False
        self._prev: dict[int, list[Any]] = {}
        self._fences: dict[int, GuardMode] = {}
        self.models: dict[int, tuple[Any, Any, Any]] = {}

    def models_for(self, s: int) -> tuple[Any, Any, Any]:
        """(reference module, reference model, candidate model) for shape ``s``, built once."""
        if s not in self.models:
            mod = load_module("reference.py", f"_ref_{s}", self.job["shapes"][s])
            self._watch_reference(mod)
            seed = self.job["init_seed"]
            ref = mod.Model(*inp.init_inputs(mod, seed)).to(self.device).eval()
            cand = self.cand.ModelNew(*inp.init_inputs(mod, seed))
            sd, csd = ref.state_dict(), cand.state_dict()
            if csd and set(csd) == set(sd):
                cand.load_state_dict(sd)
            self.models[s] = (mod, ref, cand.to(self.device).eval())
        return self.models[s]

    def _watch_reference(self, mod: Any) -> None:
        orig = mod.Model.forward

        def forward(model: Any, *a: Any, **k: Any) -> Any:
            if self._in_cand:
                self.ref_calls += 1
            return orig(model, *a, **k)

        mod.Model.forward = forward

    def fenced_inputs(self, s: int, fresh: list[Any]) -> list[Any]:
        """Inputs inside canary-fenced buffers; at a repeated shape, the same buffers get new data
        (equal pointers, different values: catches caching by pointer)."""
        prev = self._prev.get(s)
        same = prev is not None and len(prev) == len(fresh)
        if same:
            for p, f in zip(prev, fresh, strict=True):  # type: ignore[arg-type]
                if (
                    isinstance(f, torch.Tensor) != isinstance(p, torch.Tensor)
                    or isinstance(f, torch.Tensor)
                    and (p.shape != f.shape or p.dtype != f.dtype)
                ):
                    same = False
        if same:
            for p, f in zip(prev, fresh, strict=True):  # type: ignore[arg-type]
                if isinstance(f, torch.Tensor):
                    p.copy_(f)
            return prev  # type: ignore[return-value]
        fence = GuardMode(flag_compute=False, guard_alloc=True)
        out = []
        for f in fresh:
            if isinstance(f, torch.Tensor):
                with fence:
                    t = torch.empty_like(f)
                t.copy_(f)
                out.append(t)
            else:
                out.append(f)
        self._prev[s] = out
        self._fences[s] = fence
        return out

    def call_candidate(self, model: Any, args: list[Any]) -> tuple[list[Any], dict[str, Any]]:
        before = {t.ident for t in _threads()}
        mode = GuardMode(flag_compute=self.guarded, guard_alloc=self.guarded)
        calls0 = self.ref_calls
        self._in_cand = True
        try:
            with mode:
                out = model(*args)
        finally:
            self._in_cand = False
        if self.device == "cuda":
            torch.cuda.synchronize()
        outs = as_list(out)
        ev: dict[str, Any] = {
            "bad_ops": mode.bad_ops,
            "oob_writes": mode.broken_guards(),
            "ref_calls": self.ref_calls - calls0,
            "new_threads": sum(1 for t in _threads() if t.ident not in before and t.is_alive()),
            "types": [type(o).__module__ + "." + type(o).__qualname__ for o in outs],
        }
        return outs, ev

    def run_case(self, case: dict[str, Any]) -> None:
        key, s = case["key"], case["shape"]
        mod, ref, cand = self.models_for(s)
        args = self.fenced_inputs(s, inp.case_inputs(mod, case["seed"], case["dist"], self.device))
        rec: dict[str, Any] = {"digest_before": _digest(args)}
        outs1, ev1 = self.call_candidate(cand, args)
        if any(type(o) is not torch.Tensor for o in outs1):
            rec.update(ev1)
            self.meta["cases"][key] = rec
            return
        snap = [_to_numpy(o) for o in outs1]
        # The reference runs between the two candidate calls; its output is poisoned before it is
        # freed, so a kernel returning recycled memory reads NaN rather than the right answer.
        ref_out = as_list(ref(*[a.clone() if isinstance(a, torch.Tensor) else a for a in args]))
        for r in ref_out:
            if isinstance(r, torch.Tensor):
                r.fill_(float("nan")) if r.is_floating_point() else r.fill_(0x5A)
        del ref_out
        outs2, ev2 = self.call_candidate(cand, args)
        rec["changed_after_return"] = any(
            _to_numpy(o).tobytes() != s_.tobytes() for o, s_ in zip(outs1, snap, strict=True)
        )
        rec["digest_after"] = _digest(args)
        for k in ("bad_ops", "oob_writes", "ref_calls", "new_threads"):
            rec[k] = _merge(ev1[k], ev2[k])
        rec["oob_writes"] += self._fences[s].broken_guards()  # writes past the inputs' ends
        rec["types"] = ev1["types"] + ev2["types"]
        rec["dtypes"] = [str(o.dtype) for o in outs1]
        for i, o in enumerate(snap):
            self.arrays[f"{key}.c1.{i}"] = o
        for i, o in enumerate(outs2):
            if type(o) is torch.Tensor:
                self.arrays[f"{key}.c2.{i}"] = _to_numpy(o)
        self.meta["cases"][key] = rec

    def run_timing(self, spec: dict[str, Any]) -> None:
        mod, ref, cand = self.models_for(spec["shape"])
        n = spec["warmup"] + spec["iters"]
        sets = [inp.case_inputs(mod, seed, "normal", self.device) for seed in spec["seeds"][:n]]
        res = measure(cand, ref, sets, spec["warmup"], self.device, _perf, spec["check_iters"])
        for i in spec["check_iters"]:
            for j, o in enumerate(as_list(res.pop(f"out{i}"))):
                if type(o) is torch.Tensor:
                    self.arrays[f"t{i}.c1.{j}"] = _to_numpy(o)
        self.meta["timing"] = res


def _merge(a: Any, b: Any) -> Any:
    if isinstance(a, dict):
        return {k: a.get(k, 0) + b.get(k, 0) for k in set(a) | set(b)}
    return a + b


def main(argv: list[str]) -> int:
    job = read_job(argv[1] if len(argv) > 1 else "job.json")
    set_threads()
    meta: dict[str, Any] = {}
    t0 = _perf()
    before = {t.ident for t in _threads()}
    try:
        cand = load_module("candidate.py", "_candidate_kernel")
        if not hasattr(cand, "ModelNew"):
            fatal(meta, "compile", "candidate.py defines no class ModelNew")
    except SystemExit:
        raise
    except BaseException as exc:
        kind = "compile" if type(exc).__name__ == "CompileError" else "runtime"
        fatal(meta, kind, f"importing the candidate failed: {type(exc).__name__}: {exc}")
    runner = Runner(job, cand)
    runner.meta["import_s"] = _perf() - t0
    runner.meta["import_threads"] = sum(1 for t in _threads() if t.ident not in before and t.is_alive())
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        for case in job["cases"]:
            runner.run_case(case)
        runner.meta["peak_growth_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0
        if job.get("timing"):
            runner.run_timing(job["timing"])
    except BaseException as exc:  # the candidate's own exception: a runtime failure, reported
        tb = traceback.format_exc(limit=-3)
        fatal(runner.meta, "runtime", f"{type(exc).__name__}: {exc}\n{tb}")
    emit(runner.arrays, runner.meta)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
