"""The supervisor's handles on the zygote and on one candidate worker: start, talk, time, watch, kill.

A worker is forked by the zygote with exactly its channel (request pipe, reply pipe, shared
memory), its candidate source and its sealed kernel libraries as descriptors. Its CPU time is
read from its process CPU clock around each request and between requests, so a patched clock or a
background thread inside the worker changes nothing that is measured.

Runs in the supervisor; no torch here.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import mmap
import os
import signal
import socket
import threading
import time
from typing import Any

from chipsmith.tools.kernels import _channel as ch
from chipsmith.tools.kernels import _procwatch as pw

STDERR_TAIL = 4000


class WorkerFailure(Exception):
    """The worker crashed, timed out, broke the protocol or reported a failure of its own."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


class Zygote:
    """The warm process workers are forked from (see ``_zygote.py``); its stderr is theirs too."""

    def __init__(self, pid: int, sock: socket.socket, stderr_fd: int) -> None:
        self.pid, self.sock, self.stderr_fd = pid, sock, stderr_fd
        self.lock = threading.Lock()
        self._tail = bytearray()
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        for chunk in iter(lambda: os.read(self.stderr_fd, 4096), b""):
            self._tail += chunk
            del self._tail[:-STDERR_TAIL]

    def stderr_tail(self) -> str:
        lines = bytes(self._tail).decode(errors="replace").strip().splitlines()
        return lines[-1][:300] if lines else ""

    def ask(self, req: dict[str, Any], fds: list[int], deadline: float) -> dict[str, Any]:
        with self.lock:
            socket.send_fds(self.sock, [json.dumps(req).encode()], fds)
            self.sock.settimeout(max(0.01, deadline - time.monotonic()))
            try:
                data = self.sock.recv(65536)
            except TimeoutError as exc:
                raise WorkerFailure("timeout", "the worker process could not be started in time") from exc
        if not data:
            tail = self.stderr_tail()
            raise WorkerFailure(
                "runtime", f"the worker process could not be started: {tail or 'the zygote died'}"
            )
        return json.loads(data)  # type: ignore[no-any-return]

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self.sock.close()


class WorkerSession:
    """One worker process (forked by the zygote) and its channel."""

    def __init__(
        self, name: str, zygote: Zygote, source: bytes, libs: dict[str, int], deadline: float
    ) -> None:
        self.name = name
        self.deadline = deadline
        self.zygote = zygote
        req_r, self.req_w = os.pipe()
        self.rep_r, rep_w = os.pipe()
        self.shm_fd = os.memfd_create(f"chipsmith-{name}", os.MFD_ALLOW_SEALING)
        self.mm: mmap.mmap | None = None
        src_fd = os.memfd_create("chipsmith-candidate")
        os.write(src_fd, source)
        os.lseek(src_fd, 0, os.SEEK_SET)
        fds = [req_r, rep_w, self.shm_fd, src_fd, *libs.values()]
        index = {"req": 0, "rep": 1, "shm": 2, "src": 3, "libs": {d: 4 + i for i, d in enumerate(libs)}}
        reply = zygote.ask({"op": "fork", "fds": index, "env": {}}, fds, deadline)
        for fd in (req_r, rep_w, src_fd):
            os.close(fd)
        self.pid = int(reply["pid"])
        self.sampler: Any = None
        self.samples: dict[str, list[int]] = {}
        self.sampled_calls: dict[str, int] = {}
        self.in_call_ns = 0
        self.calls = 0
        self.last_reply_cpu: int | None = None
        self.gap_ns = 0
        self.children_ns_at_ready = 0

    def failure(self, exc: ch.ChannelError) -> WorkerFailure:
        """What a broken channel means: a timeout, or a crash (with the signal and stderr's last line)."""
        if exc.kind == "timeout":
            return WorkerFailure(
                "timeout", f"the candidate ({self.name}) did not answer within the time limit"
            )
        st = None
        for _ in range(100):
            st = self.zygote.ask({"op": "status", "pid": self.pid}, [], time.monotonic() + 5).get("status")
            if st is not None:
                break
            time.sleep(0.02)
        if st is not None and os.WIFSIGNALED(st):
            how = f"killed by signal {os.WTERMSIG(st)}"
        else:
            how = f"exit code {os.WEXITSTATUS(st)}" if st is not None else "no exit status"
        tail = self.zygote.stderr_tail() or exc.args[0]
        return WorkerFailure("runtime", f"the candidate ({self.name}) crashed ({how}): {tail}")

    def ready(self) -> dict[str, Any]:
        """Wait for the worker to import the candidate; WorkerFailure when it could not."""
        msg = self._recv()
        if msg.get("op") == "fatal":
            raise WorkerFailure(str(msg.get("kind", "runtime")), str(msg.get("message", ""))[:2000])
        if msg.get("op") != "ready":
            raise WorkerFailure("runtime", f"the candidate ({self.name}) broke the protocol")
        # Imports may run helper programs (a library lookup); calls may not: counted from here.
        self.children_ns_at_ready = pw.children_cpu_ns(self.pid)
        return msg

    def children_cpu_ms(self) -> float:
        """CPU of child processes the worker ran and reaped since it became ready."""
        return max(0, pw.children_cpu_ns(self.pid) - self.children_ns_at_ready) / 1e6

    def _recv(self) -> dict[str, Any]:
        try:
            return ch.recv(self.rep_r, self.deadline)
        except ch.ChannelError as exc:
            raise self.failure(exc) from exc

    def map(self, size: int) -> None:
        """Size the shared memory, seal it against resizing, and let the worker map it."""
        os.ftruncate(self.shm_fd, size)
        seals = fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW | fcntl.F_SEAL_SEAL  # type: ignore[attr-defined]
        fcntl.fcntl(self.shm_fd, fcntl.F_ADD_SEALS, seals)  # type: ignore[attr-defined]
        self.mm = mmap.mmap(self.shm_fd, size)
        self.request({"op": "map", "size": size})

    def start(self, sample: bool) -> str | None:
        """Let the forked worker go on to the candidate; with ``sample``, CPU sampling (``_perf``)
        is opened first: only once the worker says it is inspectable (the kernel refuses a sampler
        on a non-dumpable process: opened at once, under load it lost that race and the check ran
        without attribution), and before any candidate code runs (threads it starts are then
        sampled too). Returns why sampling is off (None when it is on or not asked for)."""
        if self._recv().get("op") != "forked":
            raise WorkerFailure("runtime", f"the worker ({self.name}) broke the protocol")
        why = self.sample() if sample else None
        try:
            ch.send(self.req_w, {"op": "go"})
        except OSError as exc:
            raise self.failure(ch.ChannelError("closed", str(exc))) from exc
        return why

    def sample(self) -> str | None:
        """Start CPU sampling of this worker (see ``_perf``); why not, when the kernel refuses."""
        from chipsmith.tools.kernels._perf import Sampler

        got = Sampler.open(self.pid)
        if isinstance(got, str):
            return got
        self.sampler = got
        return None

    def request(self, req: dict[str, Any], tag: str | None = None) -> tuple[dict[str, Any], int, int]:
        """Send ``req`` and wait for the reply: (reply, wall ns, worker CPU ns during the call).
        With a ``tag`` the worker's CPU is sampled during the call and filed under it."""
        if tag and self.sampler is not None:
            self.sampler.enable()
        try:
            return self._request(req)
        finally:
            if tag and self.sampler is not None:
                self.sampler.disable()
                self.samples.setdefault(tag, []).extend(self.sampler.drain())
                self.sampled_calls[tag] = self.sampled_calls.get(tag, 0) + 1

    def _request(self, req: dict[str, Any]) -> tuple[dict[str, Any], int, int]:
        cpu0 = pw.cpu_ns(self.pid) or 0
        if self.last_reply_cpu is not None:
            self.gap_ns += max(0, cpu0 - self.last_reply_cpu)
        t0 = time.perf_counter_ns()
        try:
            ch.send(self.req_w, req)
        except OSError as exc:
            raise self.failure(ch.ChannelError("closed", str(exc))) from exc
        reply = self._recv()
        wall = time.perf_counter_ns() - t0
        cpu1 = pw.cpu_ns(self.pid) or cpu0
        self.in_call_ns += cpu1 - cpu0
        self.last_reply_cpu = cpu1
        self.calls += 1
        if "error" in reply:
            raise WorkerFailure(str(reply.get("kind", "runtime")), str(reply["error"])[:2000])
        return reply, wall, cpu1 - cpu0

    def write(self, offset: int, data: bytes) -> None:
        assert self.mm is not None
        self.mm[offset : offset + len(data)] = data

    def read(self, offset: int, n: int) -> bytes:
        assert self.mm is not None
        return bytes(self.mm[offset : offset + n])

    def status(self) -> dict[str, str]:
        return pw.status(self.pid)

    def kill(self) -> None:
        if self.sampler is not None:
            self.sampler.close()
            self.sampler = None
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        for fd in (self.req_w, self.rep_r, self.shm_fd):
            with contextlib.suppress(OSError):
                os.close(fd)
