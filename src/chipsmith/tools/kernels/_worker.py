"""The candidate worker: loads an untrusted kernel file and answers calls; it judges nothing.

A worker is forked by the zygote (``_zygote.py``) at the supervisor's request, with two pipes, a
shared-memory file, the candidate's source and the verified libraries as its only descriptors.
It drops its capabilities, imports the candidate, then serves requests: ``init`` (build ModelNew for a
shape, load the reference's parameters), ``call`` (inputs are tensors over the shared memory; the
outputs are copied back into it) and ``null`` (the same copy without a forward: the channel's own
cost, which the supervisor subtracts from its timings). What it reports besides outputs (torch ops
seen by the dispatch guard, broken canaries, Python threads, kernel launches) is evidence that can
only fail a candidate: this process is the candidate's, so nothing it says can make one pass.
"""

from __future__ import annotations

import contextlib
import json
import mmap
import os
import threading
import traceback
from typing import Any

from chipsmith.tools.kernels import _channel as ch
from chipsmith.tools.kernels._worker_common import as_list, drop_privileges, load_source, set_threads

TORCH_DTYPES = (
    "float32",
    "float64",
    "float16",
    "bfloat16",
    "int8",
    "uint8",
    "int16",
    "int32",
    "int64",
    "bool",
)


class Launches:
    """Records the tensors passed to Triton kernel launches; in ablation mode, undoes them."""

    def __init__(self) -> None:
        self.skip = False
        self.ranges: list[tuple[int, int]] = []

    def install(self) -> None:
        import torch

        def wrap(original: Any) -> Any:
            def run(fn: Any, *args: Any, **kwargs: Any) -> Any:
                tensors = [a for a in list(args) + list(kwargs.values()) if isinstance(a, torch.Tensor)]
                for a in tensors:
                    base = a.untyped_storage().data_ptr()
                    self.ranges.append((base, base + a.untyped_storage().nbytes()))
                if not self.skip or kwargs.get("warmup"):
                    return original(fn, *args, **kwargs)
                # Ablation: the launch still runs, so it fails exactly where it failed for real (a
                # kernel that always raises into a torch fallback gains nothing), and then every
                # buffer it was given is put back: as if the kernel had done nothing.
                saved = [(a.untyped_storage(), a.untyped_storage().clone()) for a in tensors]
                try:
                    return original(fn, *args, **kwargs)
                finally:
                    for storage, before in saved:
                        storage.copy_(before)

            return run

        try:
            from triton.runtime import interpreter, jit
        except ImportError:
            return
        interpreter.InterpretedFunction.run = wrap(interpreter.InterpretedFunction.run)
        jit.JITFunction.run = wrap(jit.JITFunction.run)

    def covers(self, t: Any) -> bool:
        lo = t.untyped_storage().data_ptr()
        hi = lo + max(t.untyped_storage().nbytes(), 1)
        return any(a < hi and lo < b for a, b in self.ranges)


class Worker:
    """One candidate module, the models built from it and the shared-memory views it was given."""

    def __init__(self, cand: Any, shm_fd: int, launches: Launches | None) -> None:
        import torch

        self.torch = torch
        self.cand = cand
        self.shm_fd = shm_fd
        self.mm: mmap.mmap | None = None
        self.models: dict[int, Any] = {}
        self.views: dict[tuple[int, str, tuple[int, ...]], Any] = {}
        self.device_copies: dict[tuple[int, str, tuple[int, ...]], Any] = {}
        self.blanks: dict[tuple[int, ...], list[Any]] = {}
        self.device = os.environ.get("CHIPSMITH_KERNEL_DEVICE", "cpu")
        self.guard = os.environ.get("CHIPSMITH_KERNEL_GUARD", "1") == "1"
        self.launches = launches
        self.threads = threading.enumerate

    def view(self, d: dict[str, Any]) -> Any:
        """A tensor over shared memory; the same block always yields the same tensor (same pointer)."""
        key = (int(d["offset"]), str(d["dtype"]), tuple(int(s) for s in d["shape"]))
        if key not in self.views:
            if key[1] not in TORCH_DTYPES or self.mm is None:
                raise ValueError(f"bad tensor descriptor {d}")
            dt = getattr(self.torch, key[1])
            n = 1
            for s in key[2]:
                n *= s
            t = (
                self.torch.frombuffer(self.mm, dtype=dt, count=n, offset=key[0])
                if n
                else self.torch.empty(0, dtype=dt)
            )
            self.views[key] = t.view(key[2])
        t = self.views[key]
        if self.device == "cpu":
            return t
        if key not in self.device_copies:
            self.device_copies[key] = t.to(self.device)
        self.device_copies[key].copy_(t)
        return self.device_copies[key]

    def args(self, items: list[dict[str, Any]]) -> list[Any]:
        return [self.view(i["tensor"]) if "tensor" in i else i["value"] for i in items]

    def init(self, req: dict[str, Any]) -> dict[str, Any]:
        torch = self.torch
        torch.manual_seed(int(req["seed"]))
        model = self.cand.ModelNew(*req["init_args"])
        state = {d["name"]: self.view(d).clone() for d in req["state"]}
        loaded = bool(state) and set(model.state_dict()) == set(state)
        if loaded:
            model.load_state_dict(state)
        self.models[int(req["shape"])] = model.to(self.device).eval()
        if self.launches is not None:
            self.launches.skip = req.get("launches") == "skip"
        return {"ok": True, "loaded_state": loaded}

    def call(self, req: dict[str, Any]) -> dict[str, Any]:
        from chipsmith.tools.kernels._guard import GuardMode

        model = self.models[int(req["shape"])]
        args = self.args(req["inputs"])
        mode_name = req.get("guard", "full") if self.guard else "off"
        before = {t.ident for t in self.threads()}
        mode = GuardMode(flag_compute=mode_name == "full", guard_alloc=mode_name != "off")
        if self.launches is not None:
            self.launches.ranges = []
        if mode_name != "off":
            with mode:
                out = model(*args)
        else:
            out = model(*args)
        if self.device == "cuda":
            self.torch.cuda.synchronize()
        outs = as_list(out)
        evidence: dict[str, Any] = {
            "bad_ops": mode.bad_ops,
            "oob_writes": mode.broken_guards(),
            "new_threads": sum(1 for t in self.threads() if t.ident not in before and t.is_alive()),
            "types": [type(o).__module__ + "." + type(o).__qualname__ for o in outs],
        }
        if self.launches is not None:
            evidence["launches"] = len(self.launches.ranges)
            evidence["uncovered"] = [
                i
                for i, o in enumerate(outs)
                if isinstance(o, self.torch.Tensor) and not self.launches.covers(o)
            ]
        reply = self.write_outputs(outs, req["out"])
        reply["evidence"] = evidence
        return reply

    def null(self, req: dict[str, Any]) -> dict[str, Any]:
        """The channel alone: take the inputs (uploading them on a GPU) and copy blocks of the given
        sizes into the output area, without a forward."""
        self.args(req.get("inputs", []))
        sizes = tuple(int(n) for n in req["sizes"])
        if sizes not in self.blanks:
            self.blanks[sizes] = [
                self.torch.zeros(n, dtype=self.torch.uint8, device=self.device) for n in sizes
            ]
        return self.write_outputs(self.blanks[sizes], req["out"])

    def write_outputs(self, outs: list[Any], area: list[int]) -> dict[str, Any]:
        torch = self.torch
        off, cap = int(area[0]), int(area[1])
        descs = []
        for o in outs:
            if not isinstance(o, torch.Tensor):
                return {"error": f"forward returned {type(o).__name__}, not a tensor", "kind": "mismatch"}
            c = o.detach().contiguous().to("cpu").reshape(-1)
            raw = c.view(torch.uint8) if c.numel() else torch.empty(0, dtype=torch.uint8)
            n = raw.numel()
            if off + n > area[0] + cap:
                return {"error": "outputs larger than the reference's", "kind": "mismatch"}
            if n:
                torch.frombuffer(self.mm, dtype=torch.uint8, count=n, offset=off).copy_(raw)  # type: ignore[arg-type]
            descs.append(
                {
                    "dtype": str(o.dtype).replace("torch.", ""),
                    "shape": list(o.shape),
                    "offset": off,
                    "nbytes": n,
                }
            )
            off = ch.aligned(off + n)
        return {"outputs": descs}

    def serve(self, req_fd: int, rep_fd: int) -> None:
        while True:
            req = ch.recv(req_fd)
            op = req.get("op")
            if op == "exit":
                return
            try:
                if op == "map":
                    self.mm = mmap.mmap(self.shm_fd, int(req["size"]))
                    reply: dict[str, Any] = {"ok": True}
                elif op in ("init", "call", "null"):
                    reply = getattr(self, op)(req)
                else:
                    reply = {"error": f"unknown request {op!r}"}
            except BaseException as exc:  # the candidate's own exception: reported, then served on
                reply = {"error": f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=-3)}"[-2000:]}
            ch.send(rep_fd, reply)


def load_candidate(source: str, launches: Launches | None) -> Any:
    if launches is not None:
        launches.install()
    cand = load_source(source, "_candidate_kernel", "candidate.py")
    if not hasattr(cand, "ModelNew"):
        raise LookupError("candidate.py defines no class ModelNew")
    return cand


def run_forked(req: dict[str, Any], fds: list[int]) -> int:
    """In a child the zygote forked: ``req["fds"]`` names the received descriptors (request and
    reply pipes, shared memory, the candidate's source, verified libraries by digest)."""
    idx = req["fds"]
    req_fd, rep_fd, shm_fd = fds[idx["req"]], fds[idx["rep"]], fds[idx["shm"]]
    # Inspectable now (the zygote's child made itself dumpable): the supervisor opens its CPU
    # sampling on us, which the kernel refuses while we are not, and then lets the candidate run.
    ch.send(rep_fd, {"op": "forked"})
    if ch.recv(req_fd).get("op") != "go":
        return 3
    with os.fdopen(fds[idx["src"]], "rb") as fh:
        source = fh.read().decode()
    os.environ["CHIPSMITH_KERNEL_LIBS"] = json.dumps({d: fds[i] for d, i in idx["libs"].items()})
    drop_privileges()
    import torch

    set_threads()
    torch.set_grad_enabled(False)
    launches = Launches() if os.environ.get("CHIPSMITH_KERNEL_LAUNCHES") == "1" else None
    before = {t.ident for t in threading.enumerate()}
    try:
        cand = load_candidate(source, launches)
    except BaseException as exc:
        kind = (
            "compile" if type(exc).__name__ in ("CompileError", "LookupError", "SyntaxError") else "runtime"
        )
        msg = f"importing the candidate failed: {type(exc).__name__}: {exc}"
        ch.send(rep_fd, {"op": "fatal", "kind": kind, "message": msg[-2000:]})
        return 3
    started = sum(1 for t in threading.enumerate() if t.ident not in before and t.is_alive())
    ch.send(rep_fd, {"op": "ready", "import_threads": started})
    with contextlib.suppress(ch.ChannelError):  # the supervisor went away: nothing left to answer
        Worker(cand, shm_fd, launches).serve(req_fd, rep_fd)
    return 0
