"""LocalSandbox: a subprocess in a fresh work dir, with rlimits, a scrubbed environment and,
when bubblewrap is installed, no network and a read-only view of the host outside the work dir."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import IO

from chipsmith.registry import SANDBOXES
from chipsmith.sandbox.base import TRUNCATION_MARKER, ExecResult, Limits
from chipsmith.sandbox.files import collect_files, write_files

# Variables generated code may see; everything else (API keys, tokens, cloud credentials) is dropped.
SAFE_ENV = ("PATH", "LANG", "LC_ALL", "TERM", "TZ", "PYTHONHASHSEED", "OMP_NUM_THREADS")


def scrubbed_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {k: os.environ[k] for k in SAFE_ENV if k in os.environ}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    env["HOME"] = env["TMPDIR"] = "/tmp"
    env.update(extra or {})
    return env


def bwrap_prefix(workdir: Path, network: bool) -> list[str]:
    """Pure: the bubblewrap argument list that confines a command to ``workdir``."""
    args = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp"]
    args += ["--bind", str(workdir), str(workdir), "--chdir", str(workdir)]
    args += ["--unshare-pid", "--unshare-ipc", "--die-with-parent", "--new-session"]
    if not network:
        args.append("--unshare-net")
    return args + ["--"]


def _rlimits(limits: Limits):  # type: ignore[no-untyped-def]
    def apply() -> None:
        def setl(which: int, value: int | None) -> None:
            if value is not None:
                resource.setrlimit(which, (value, value))

        setl(resource.RLIMIT_CPU, limits.cpu_s)
        setl(resource.RLIMIT_AS, limits.memory_mb * 2**20 if limits.memory_mb else None)
        setl(resource.RLIMIT_FSIZE, limits.file_mb * 2**20 if limits.file_mb else None)
        setl(resource.RLIMIT_NPROC, limits.procs)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


class _CappedReader(threading.Thread):
    """Drains a pipe, keeping at most ``limit`` bytes, so unbounded output costs no memory."""

    def __init__(self, pipe: IO[bytes], limit: int) -> None:
        super().__init__(daemon=True)
        self.pipe, self.limit = pipe, limit
        self.buf = bytearray()
        self.dropped = 0

    def run(self) -> None:
        while chunk := self.pipe.read1(65536):  # type: ignore[attr-defined]
            room = self.limit - len(self.buf)
            if room > 0:
                self.buf += chunk[:room]
            self.dropped += max(0, len(chunk) - max(room, 0))

    def text(self) -> str:
        out = self.buf.decode("utf-8", errors="replace")
        return out + (TRUNCATION_MARKER.format(limit=self.limit) if self.dropped else "")


@SANDBOXES.register("local")
class LocalSandbox:
    """Runs commands as host subprocesses, confined with bubblewrap when it is present."""

    name = "local"

    def __init__(self, use_bwrap: bool | None = None, env: dict[str, str] | None = None) -> None:
        self.use_bwrap = shutil.which("bwrap") is not None if use_bwrap is None else use_bwrap
        self.extra_env = env or {}

    def run(
        self,
        cmd: list[str],
        files: dict[str, bytes],
        *,
        timeout_s: float,
        limits: Limits | None = None,
        want: list[str] | tuple[str, ...] = (),
    ) -> ExecResult:
        limits = limits or Limits()
        with tempfile.TemporaryDirectory(prefix="chipsmith-") as tmp:
            work = Path(tmp).resolve()
            write_files(work, files)
            full = (bwrap_prefix(work, limits.network) if self.use_bwrap else []) + list(cmd)
            result = self._execute(full, work, timeout_s, limits)
            result.files, result.refused = collect_files(work, want)
            return result

    def _execute(self, cmd: list[str], work: Path, timeout_s: float, limits: Limits) -> ExecResult:
        start = time.monotonic()
        try:
            proc = subprocess.Popen(
                cmd,
                cwd=work,
                env=scrubbed_env(self.extra_env),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                preexec_fn=_rlimits(limits),
            )
        except (FileNotFoundError, PermissionError) as exc:
            return ExecResult(exit_code=127, stdout="", stderr=f"cannot run {cmd[0]}: {exc}")
        readers = [_CappedReader(p, limits.output_bytes) for p in (proc.stdout, proc.stderr)]  # type: ignore[arg-type]
        for r in readers:
            r.start()
        timed_out = False
        try:
            proc.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            _kill_group(proc)
        for r in readers:
            r.join(timeout=5)
        return ExecResult(
            exit_code=proc.returncode if proc.returncode is not None else -9,
            stdout=readers[0].text(),
            stderr=readers[1].text(),
            timed_out=timed_out,
            truncated=any(r.dropped for r in readers),
            wall_s=time.monotonic() - start,
        )

    def close(self) -> None:
        pass


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the whole process group (bwrap's pid namespace dies with its init)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()
