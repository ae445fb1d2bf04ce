"""The supervisor's two phases: correctness (every case, twice, plus the ablation run) and timing.

Per case the supervisor writes secret inputs into shared memory, asks the worker for a forward,
copies the outputs out the moment the reply arrives, and checks that the inputs and their canary
guards are untouched and that nothing writes the output area after the reply. Afterwards, with the
worker and everything it started killed (so nothing of it can tamper with the next process), the
ablation worker runs the same cases with its compiled entry points made no-ops (or its Triton
launches skipped).
Timing alternates a null request (the channel alone) and a real one per fresh input set, all
timed by the supervisor's clock and the worker's CPU clock; every timed output is kept and checked.

Runs in the supervisor; imports torch.
"""

from __future__ import annotations

import os
import time
from typing import Any

import numpy as np
import torch

from chipsmith.tools.kernels import _channel as ch
from chipsmith.tools.kernels import _procwatch as pw
from chipsmith.tools.kernels._evidence import DTYPES, merge, sanitize
from chipsmith.tools.kernels._refside import ReferenceSide, derive_seed, from_bytes, pack, tensor_bytes
from chipsmith.tools.kernels._session import WorkerFailure, WorkerSession
from chipsmith.tools.kernels.compare import compare_case, tolerances, unchanged

FLUSH_BYTES = {"cuda": 256 * 2**20, "cpu": 32 * 2**20}
SHADOW_CALLS = 6
"""Untimed, CPU-sampled calls hidden among the timed ones."""


def schedule(warmup: int, iters: int, shadow: int, seed: int) -> list[str]:
    """Pure: call keys in order: the warm-up calls ``t0..``, then the timed calls ``t..`` and the
    shadow calls ``u..`` shuffled by the secret seed, so the worker cannot tell them apart."""
    import random

    rest = [f"t{i}" for i in range(warmup, warmup + iters)] + [f"u{j}" for j in range(shadow)]
    random.Random(seed).shuffle(rest)
    return [f"t{i}" for i in range(warmup)] + rest


class Phases:
    """Drives the workers through one check, recording per call the comparison with the reference
    and the evidence (``meta["cases"]``); outputs are kept only until they are compared."""

    def __init__(self, job: dict[str, Any], ref: ReferenceSide, w: WorkerSession) -> None:
        self.job, self.ref, self.w = job, ref, w
        self.a: WorkerSession | None = None
        self.size = 0
        self.keep: set[int] = set()
        """Processes of the harness itself (the zygote)."""
        self.meta: dict[str, Any] = {"cases": {}}
        self.kept: dict[str, list[np.ndarray]] = {}
        t = job.get("tolerance") or {}
        dtype = str(t.get("dtype", "float32"))
        self.tol = (*tolerances(dtype, t.get("atol"), t.get("rtol")), dtype)
        self.out_area = (0, 0)
        self.last_out: bytes | None = None
        self.extra_procs: set[int] = set()
        self.running_samples = 0

    # ---------------------------------------------------------------- setup
    def prepare(self, cases: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """Every case's inputs and expected outputs (computed before the worker sees any), and the
        shared memory sized for the largest inputs, parameters and outputs."""
        data: dict[str, dict[str, Any]] = {}
        need_in, need_out = 0, 0
        for c in cases:
            args = self.ref.inputs(c["shape"], c["key"], c["dist"])
            exp = self.ref.expect(c["shape"], args, c["key"])
            data[c["key"]] = {"args": args, **exp}
            need_in = max(need_in, pack(args)[2])
            need_out = max(need_out, sum(ch.aligned(o.nbytes) for o in exp["r"]))
        for s in {c["shape"] for c in cases}:
            need_in = max(need_in, pack(list(self.ref.state(s).values()))[2])
        cap = 2 * need_out + 65536
        self.meta["output_bytes"] = need_out
        self.out_area = (ch.aligned(need_in), cap)
        self.size = self.out_area[0] + cap
        self.w.map(self.size)
        return data

    def sessions(self) -> list[WorkerSession]:
        return [self.w] + ([self.a] if self.a is not None else [])

    def known(self) -> set[int]:
        return {s.pid for s in self.sessions()} | self.keep

    def init_shape(self, sess: WorkerSession, s: int) -> None:
        state = self.ref.state(s)
        descs, writes, _ = pack(list(state.values()))
        names = list(state)
        msg = {
            "op": "init",
            "shape": s,
            "seed": self.ref.init_seed,
            "init_args": self.ref.init_args(s),
            "state": [dict(d["tensor"], name=n) for n, d in zip(names, descs, strict=True)],
        }
        for off, data in writes:
            sess.write(off, data)
        launches = "skip" if sess is self.a else "record"
        sess.request(dict(msg, launches=launches))

    # ---------------------------------------------------------------- one call
    def call(
        self, sess: WorkerSession, s: int, args: list[Any], guard: str = "full", tag: str | None = None
    ) -> tuple[list[np.ndarray], dict[str, Any], int, int]:
        """One forward: outputs (copied at once), worker evidence, wall ns, worker CPU ns.

        ``guard``: "full" (torch ops recorded, allocations poisoned and fenced: the first call of
        a case), "poison" (allocations only: the second call and the ablation run, whose sampled CPU
        is then compared like with like) or "off" (timed calls: the guard is evidence only, and
        its cost is not the kernel's). ``tag`` files the call's CPU samples (default: ``guard``)."""
        self.check_quiet(sess)
        descs, writes, _ = pack(args)
        for off, data in writes:
            sess.write(off, data)
        req = {"op": "call", "shape": s, "inputs": descs, "out": list(self.out_area), "guard": guard}
        reply, wall, cpu = sess.request(req, tag=tag if tag is not None or guard == "off" else guard)
        outs, dtypes, raw = self.outputs(sess, reply)
        ev = sanitize(reply.get("evidence"))
        ev["dtypes"] = dtypes
        ev["input_mutation"] = any(sess.read(off, len(d) - ch.GUARD) != d[: -ch.GUARD] for off, d in writes)
        ev["input_oob"] = sum(
            sess.read(off + len(d) - ch.GUARD, ch.GUARD) != d[-ch.GUARD :] for off, d in writes
        )
        if sess is self.w:
            self.last_out = raw
        return outs, ev, wall, cpu

    def outputs(
        self, sess: WorkerSession, reply: dict[str, Any]
    ) -> tuple[list[np.ndarray], list[str], bytes]:
        """The outputs a reply describes, read from the output area; a description that does not
        add up (outside the area, unknown dtype, shape and size disagreeing) fails the candidate."""
        lo, cap = self.out_area
        outs, dtypes = [], []
        descs = reply.get("outputs")
        if not isinstance(descs, list):
            raise WorkerFailure("runtime", "the worker's reply names no outputs")
        for d in descs:
            try:
                off, n, dtype = int(d["offset"]), int(d["nbytes"]), str(d["dtype"])
                shape = [int(x) for x in d["shape"]]
                size = int(np.prod(shape)) if shape else 1
                ok = dtype in DTYPES and lo <= off <= off + n <= lo + cap and min(shape, default=0) >= 0
                ok = ok and size * getattr(torch, dtype).itemsize == n
            except (KeyError, TypeError, ValueError, AttributeError):
                ok = False
            if not ok:
                raise WorkerFailure(
                    "mismatch", f"the worker described an output it did not deliver: {str(d)[:200]}"
                )
            outs.append(from_bytes(sess.read(off, n), dtype, shape))
            dtypes.append(dtype)
        return outs, dtypes, sess.read(lo, cap)

    def check_quiet(self, sess: WorkerSession) -> None:
        """Between calls: the output area must be as the reply left it, no extra process may live,
        and no worker thread should be running."""
        if (
            sess is self.w
            and self.last_out is not None
            and sess.read(self.out_area[0], self.out_area[1]) != self.last_out
        ):
            self.meta["changed_after_reply"] = True
        self.extra_procs |= pw.descendants({os.getpid()}) - self.known()
        self.extra_procs |= pw.zombies({os.getpid(), sess.pid}) - self.known()
        self.running_samples += pw.running_threads(sess.pid) > 0

    # ---------------------------------------------------------------- phases
    def correctness(self, cases: list[dict[str, Any]], data: dict[str, dict[str, Any]]) -> None:
        seen: set[int] = set()
        for c in cases:
            key, s = c["key"], c["shape"]
            if s not in seen:
                self.init_shape(self.w, s)
                seen.add(s)
            d = data[key]
            rec: dict[str, Any] = {"scale": d["scale"]}
            if "fp64_error" in d:
                rec["fp64_error"] = d["fp64_error"]
            self.meta["cases"][key] = rec
            c1, ev1, _, _ = self.call(self.w, s, d["args"])
            c2, ev2, _, _ = self.call(self.w, s, d["args"], guard="poison")
            rec["evidence"] = merge(ev1, ev2)
            calls = {"1st call": (c1, ev1["dtypes"]), "2nd call": (c2, ev2["dtypes"])}
            rec["compare"] = self.compare(calls, d)
            self.kept[key] = c1

    def ablation(
        self, a: WorkerSession, cases: list[dict[str, Any]], data: dict[str, dict[str, Any]]
    ) -> None:
        """Every correctness case (or one per shape, drawn from the secret seed) once more in
        ``a``, whose compiled code does nothing."""
        self.a = a
        seen: set[int] = set()
        if self.job.get("ablation_one_per_shape"):
            cases = one_per_shape(cases, derive_seed(self.ref.seed, "ablation"))
        try:
            a.ready()
            a.map(self.size)
            for c in cases:
                if c["shape"] not in seen:
                    self.init_shape(a, c["shape"])
                    seen.add(c["shape"])
                outs, ev, _, _ = self.call(a, c["shape"], data[c["key"]]["args"], guard="poison")
                rec = {"unchanged": unchanged(self.kept[c["key"]], outs), "evidence": ev}
                self.meta["cases"][c["key"]]["ablation"] = rec
        except WorkerFailure as exc:
            self.meta["ablation_fatal"] = f"{exc.kind}: {exc.message}"[:400]

    def timing(self, spec: dict[str, Any]) -> None:
        """Timed calls (warm-up first), with shadow calls at secret places among them: identical to
        the worker, untimed, CPU-sampled. A kernel that works differently when timed is sampled."""
        s, warmup, iters = spec["shape"], spec["warmup"], spec["iters"]
        device = self.job["device"]
        flush = torch.empty(
            FLUSH_BYTES.get(device, FLUSH_BYTES["cpu"]) // 4, dtype=torch.float32, device=device
        )
        _, model, _ = self.ref.model(s)
        res: dict[str, Any] = {
            k: [] for k in ("candidate_ms", "null_ms", "baseline_ms", "candidate_cpu_ms", "null_cpu_ms")
        }
        res.update(warmup=warmup, iters=iters, device=device)
        cpu0, in_call0 = pw.cpu_ns(self.w.pid) or 0, self.w.in_call_ns
        for key in schedule(warmup, iters, spec.get("shadow", SHADOW_CALLS), self.ref.seed):
            args = self.ref.inputs(s, key, "normal")
            exp = self.ref.expect(s, args, key)
            self.meta["cases"][key] = {"scale": exp["scale"]}
            descs, writes, _ = pack(args)
            for off, data in writes:
                self.w.write(off, data)
            flush.zero_()
            sizes = [ch.aligned(o.nbytes) for o in exp["r"]]
            null_req = {"op": "null", "inputs": descs, "sizes": sizes, "out": list(self.out_area)}
            _, null_wall, null_cpu = self.w.request(null_req)
            self.last_out = self.w.read(*self.out_area)
            flush.zero_()
            shadow = key.startswith("u")
            outs, ev, wall, cpu = self.call(self.w, s, args, guard="off", tag="shadow" if shadow else None)
            self.meta["cases"][key]["evidence"] = ev
            self.meta["cases"][key]["compare"] = self.compare({"timed call": (outs, ev["dtypes"])}, exp)
            base = baseline_ms(model, args, flush, device)
            if not shadow and int(key[1:]) >= warmup:
                res["candidate_ms"].append(wall / 1e6)
                res["null_ms"].append(null_wall / 1e6)
                res["candidate_cpu_ms"].append(cpu / 1e6)
                res["null_cpu_ms"].append(null_cpu / 1e6)
                res["baseline_ms"].append(base)
        res["worker_cpu_ms"] = ((pw.cpu_ns(self.w.pid) or cpu0) - cpu0) / 1e6
        res["in_call_cpu_ms"] = (self.w.in_call_ns - in_call0) / 1e6
        self.meta["timing"] = res

    def compare(
        self, calls: dict[str, tuple[list[np.ndarray], list[str]]], exp: dict[str, Any]
    ) -> dict[str, str] | None:
        bad = compare_case(calls, exp["r"], exp["g"], exp["scale"], exp["dtypes"], self.tol)
        return None if bad is None else {"kind": bad[0], "message": bad[1]}


def baseline_ms(model: Any, args: list[Any], flush: torch.Tensor, device: str) -> float:
    """The eager reference on the same inputs, timed here with the same cache flush."""
    copies = [a.clone() if isinstance(a, torch.Tensor) else a for a in args]
    flush.zero_()
    if device == "cuda":
        torch.cuda.synchronize()
    with torch.no_grad():
        t0 = time.perf_counter_ns()
        model(*copies)
        if device == "cuda":
            torch.cuda.synchronize()
        return (time.perf_counter_ns() - t0) / 1e6


__all__ = ["Phases", "baseline_ms", "schedule", "tensor_bytes"]


def one_per_shape(cases: list[dict[str, Any]], seed: int) -> list[dict[str, Any]]:
    """One case of each shape, chosen with ``seed`` (the candidate cannot know which)."""
    import random

    rng = random.Random(seed)
    shapes = sorted({c["shape"] for c in cases})
    return [rng.choice([c for c in cases if c["shape"] == s]) for s in shapes]
