"""The trusted parent of a kernel check, inside the sandbox: it holds every secret and the clock.

``python -m chipsmith.tools.kernels._supervisor job.json`` (started by the host, see harness.py).
It imports torch and forks the zygote first, before it has read anything secret (the zygote, which
forks the workers, is a copy of its memory at that moment). Then it makes itself non-dumpable (no
process without CAP_SYS_PTRACE can read its memory, descriptors or environment) and a child
subreaper (whatever a worker spawns comes back to it), reads the job (the signing key, the secret
seed), the reference, the candidate and the verified kernel libraries into memory and deletes the
files, so nothing of them is left on disk; the libraries become sealed memfds the workers can load
but nobody can change. It has the zygote fork the candidate worker, runs the phases, checks the
worker from outside (/proc), kills it and everything it started, has the ablation worker forked
and run, and writes its result signed with the key.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import json
import os
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from chipsmith.tools.kernels import _channel as ch
from chipsmith.tools.kernels import _procwatch as pw

ABLATION_MIN_S = 20.0


def secure_start() -> None:
    """Non-dumpable (no process without CAP_SYS_PTRACE reads our memory, environment or
    descriptors) and a child subreaper (whatever a worker spawns comes back to us)."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE 0
    libc.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def sealed(name: str, data: bytes) -> int:
    """A memfd holding ``data`` that nobody, its creator included, can modify any more."""
    fd = os.memfd_create(name, os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
    os.write(fd, data)
    seals = fcntl.F_SEAL_WRITE | fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_SEAL  # type: ignore[attr-defined]
    fcntl.fcntl(fd, fcntl.F_ADD_SEALS, seals)  # type: ignore[attr-defined]
    return fd


def take(path: str) -> bytes:
    data = Path(path).read_bytes()
    os.unlink(path)
    return data


def take_inputs(job_path: str) -> tuple[dict[str, Any], bytes, str, bytes, dict[str, dict[str, int]]]:
    """(job, key, reference path, candidate source, libraries: digest -> {"real": fd, "ablated":
    fd}); every file deleted, so nothing of it is left for the candidate to read."""
    job = json.loads(take(job_path))
    key = bytes.fromhex(job.pop("key"))
    ref_fd = sealed("chipsmith-reference", take("reference.py"))
    source = take("candidate.py")
    libs: dict[str, dict[str, int]] = {}
    for lib in job.get("libs", []):
        entry = {"real": sealed(f"chipsmith-lib-{lib['digest']}", take(lib["file"]))}
        if lib.get("ablated"):
            entry["ablated"] = sealed(f"chipsmith-abl-{lib['digest']}", take(lib["ablated"]))
        libs[lib["digest"]] = entry
    return job, key, f"/proc/self/fd/{ref_fd}", source, libs


def allowed_roots(job: dict[str, Any]) -> list[str]:
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, os.path.dirname(sys.executable)}
    roots |= {"/usr/lib", "/lib", "/usr/lib64", "/lib64", "/usr/local/lib"}
    roots |= {os.path.abspath(p) for p in job.get("exec_dirs", [])}
    return sorted({os.path.realpath(r) for r in roots})


class Supervisor:
    """One check: the zygote, the workers, the phases, the audits and the signed result."""

    def __init__(
        self,
        job: dict[str, Any],
        key: bytes,
        ref_path: str,
        source: bytes,
        libs: dict[str, dict[str, int]],
        zygote: Any,
        started: float,
    ) -> None:
        from chipsmith.tools.kernels._session import WorkerSession

        self.started = started
        self.job, self.key, self.ref_path, self.source, self.libs = job, key, ref_path, source, libs
        self.meta: dict[str, Any] = {"seed": job["seed"]}
        self.cpu_ns: dict[int, int] = {}
        self.deadline = self.started + float(job.get("deadline_s", 120.0))
        self.zygote = zygote
        real = {d: v["real"] for d, v in libs.items()}
        self.w = WorkerSession("worker", self.zygote, source, real, self.deadline)
        self.a: Any = None
        self.sampling = bool(libs)

    def run(self) -> None:
        """The check; a failure of the task's own code makes it unusable, any other failure (the
        candidate's, or one the candidate provoked in the harness) fails the candidate."""
        from chipsmith.tools.kernels._refside import ReferenceFailure
        from chipsmith.tools.kernels._session import WorkerFailure

        try:
            self._run()
        except ReferenceFailure as exc:
            self.meta["fatal"] = {"kind": "reference", "message": str(exc)}
        except WorkerFailure as exc:
            self.meta["fatal"] = {"kind": exc.kind, "message": exc.message}
        except Exception as exc:
            import traceback

            msg = f"the harness failed on this candidate: {type(exc).__name__}: {exc}\n{traceback.format_exc(limit=-3)}"
            self.meta["fatal"] = {"kind": "runtime", "message": msg[-2000:]}

    def mark(self, name: str) -> None:
        self.meta.setdefault("marks", {})[name] = round(time.monotonic() - self.started, 4)

    def _run(self) -> None:
        from chipsmith.tools.kernels._phases import Phases
        from chipsmith.tools.kernels._reference import degenerate_reasons, smallest_shape
        from chipsmith.tools.kernels._refside import ReferenceSide, derive_seed, trusted
        from chipsmith.tools.kernels._worker_common import set_threads

        self.mark("torch")
        why = self.w.start(self.sampling)  # the worker imports the candidate while we set up
        if self.sampling:
            self.meta["attribution"] = why or "on"
        set_threads()
        job = self.job
        ref = ReferenceSide(self.ref_path, job["shapes"], job["device"], int(job["seed"]))
        mod, model, _ = ref.model(smallest_shape(job["shapes"]))
        self.meta["degenerate"] = trusted(degenerate_reasons)(
            mod, model, derive_seed(ref.seed, "degenerate"), job["device"]
        )
        if self.meta["degenerate"]:
            return
        phases = Phases(job, ref, self.w)
        phases.keep = {self.zygote.pid}
        try:
            self.meta["import_threads"] = self.w.ready().get("import_threads", 0)
            self.meta["ready_peak_kb"] = pw.kb(self.w.status().get("VmHWM"))
            self.mark("ready")
            data = phases.prepare(job["cases"])
            phases.correctness(job["cases"], data)
            self.mark("correct")
            if job.get("timing"):
                phases.timing(job["timing"])
                self.mark("timed")
            self.meta["audit"] = self.audit(phases, [self.w])
            if job.get("ablation"):
                self.ablation(phases, data)
        finally:
            self.meta.update(phases.meta)

    def note_cpu(self, pid: int) -> None:
        """Keep the CPU a process of the check has used (its process clock: every thread it ran,
        not its children), read last before it is killed: the check's CPU in the result is the
        supervisor's own plus these, a figure load inflates much less than wall time."""
        used = pw.cpu_ns(pid)
        if used is not None:
            self.cpu_ns[pid] = used

    def ablation(self, phases: Any, data: dict[str, Any]) -> None:
        """With the worker and all it started gone, the same cases with the compiled code made no-ops."""
        from chipsmith.tools.kernels._session import WorkerSession

        self.note_cpu(self.w.pid)
        self.w.kill()
        # Whatever the worker started is below the supervisor (a subreaper) or still below the worker.
        left = pw.descendants({os.getpid()}) - {self.zygote.pid}
        pw.kill_all(left, left)
        abl = {d: v.get("ablated", v["real"]) for d, v in self.libs.items()}
        # The ablation run repeats the correctness cases with no kernel work: it needs no more than
        # a few times what they took, and a candidate that hangs there must not use the whole limit.
        took = self.meta["marks"].get("correct", 0.0) - self.meta["marks"].get("ready", 0.0)
        deadline = min(self.deadline, time.monotonic() + max(ABLATION_MIN_S, 3 * took))
        self.a = WorkerSession("ablation", self.zygote, self.source, abl, deadline)
        why = self.a.start(self.sampling)
        if self.sampling:
            self.meta["attribution_ablation"] = why or "on"
        phases.ablation(self.a, self.job["cases"], data)
        self.meta["audit"]["ablation"] = self.audit(phases, [self.a])["ablation"]
        self.mark("ablated")

    def audit(self, phases: Any, sessions: list[Any]) -> dict[str, Any]:
        """What the kernel says about the workers (read from /proc, not from them)."""
        inodes = {os.fstat(fd).st_ino for v in self.libs.values() for fd in v.values()}
        roots = allowed_roots(self.job)
        extra = phases.extra_procs | (pw.descendants({os.getpid()}) - phases.known())
        out: dict[str, Any] = {
            "extra_processes": len(extra),
            "running_between_calls": phases.running_samples,
            "changed_after_reply": bool(phases.meta.get("changed_after_reply")),
        }
        for sess in sessions:
            st = sess.status()
            maps = pw.exec_mappings(sess.pid)
            out[sess.name] = {
                "samples": self.attribution(sess, inodes),
                "unverified_code": None
                if maps is None
                else pw.unverified_code(maps, roots, inodes, anonymous=bool(self.job.get("allow_jit"))),
                "cap_eff": st.get("CapEff", ""),
                "threads": int(st.get("Threads", "0") or 0),
                "peak_kb": pw.kb(st.get("VmHWM")),
                "gap_cpu_ms": sess.gap_ns / 1e6,
                "children_cpu_ms": sess.children_cpu_ms(),
                "in_call_cpu_ms": sess.in_call_ns / 1e6,
                "calls": sess.calls,
            }
        return out

    def attribution(self, sess: Any, inodes: set[int]) -> dict[str, Any] | None:
        """Sampled CPU of the worker's calls, per tag and per part of the process."""
        from chipsmith.tools.kernels._perf import PERIOD_NS, attribute, exec_ranges

        ranges = exec_ranges(sess.pid)
        if sess.sampler is None or ranges is None:
            return None
        out: dict[str, Any] = {"period_ns": PERIOD_NS}
        for tag, ips in sess.samples.items():
            out[tag] = dict(attribute(ips, ranges, inodes), calls=sess.sampled_calls.get(tag, 0))
        return out

    def finish(self) -> None:
        """Kill everything the supervisor started, then write the signed result."""
        for pid in (s.pid for s in (self.w, self.a) if s is not None):
            self.note_cpu(pid)
        self.note_cpu(self.zygote.pid)
        for sess in (self.w, self.a):
            if sess is not None:
                sess.kill()
        self.zygote.kill()
        pw.kill_all(set(), {os.getpid()})
        self.meta["cpu_s"] = round(own_cpu_s() + sum(self.cpu_ns.values()) / 1e9, 3)
        meta = json.dumps(self.meta).encode()
        write_fresh("result.json", meta)
        write_fresh("result.sig", ch.sign(self.key, meta).encode())


def own_cpu_s() -> float:
    """CPU seconds of this process (all its threads, its own import torch included)."""
    import resource

    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def write_fresh(name: str, data: bytes) -> None:
    """Replace whatever a candidate left under ``name`` (file, symlink, directory) with ``data``."""
    p = Path(name)
    if p.is_dir() and not p.is_symlink():
        shutil.rmtree(p, ignore_errors=True)
    with contextlib.suppress(FileNotFoundError):
        p.unlink()
    fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def main(argv: list[str]) -> int:
    from chipsmith.tools.kernels._session import Zygote
    from chipsmith.tools.kernels._zygote import start

    started = time.monotonic()
    zygote = Zygote(*start())  # before any secret is read: the zygote is a copy of this process
    secure_start()
    job, key, ref_path, source, libs = take_inputs(argv[1] if len(argv) > 1 else "job.json")
    sup = Supervisor(job, key, ref_path, source, libs, zygote, started)
    try:
        sup.run()
    finally:
        sup.finish()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
