"""LocalSandbox: a subprocess in a fresh work dir, with rlimits, a pids cgroup, a scrubbed environment and,
when bubblewrap is installed, no network, no capabilities, an unprivileged uid and a read-only view of
the host with its secrets hidden.

Containment, in layers: every run gets its own directory (``run`` for the files, ``tmp`` as /tmp);
a pids cgroup (caps a fork bomb even as root, and finds every process the run spawned); bubblewrap
adds a pid namespace, a private network namespace and a read-only root where only the two run
directories are writable (``_view`` says what else is hidden). Run as root, the command runs as
uid 65534. By default runs go to a persistent worker (``_warm``) that pays bubblewrap's start-up once
per job slot; ``warm=False`` starts bubblewrap for every run.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from chipsmith.registry import SANDBOXES
from chipsmith.sandbox._bwrap import Mounts, bwrap_command, bwrap_path, host_gpu_devices
from chipsmith.sandbox._cgroup import PidsCgroup
from chipsmith.sandbox._local_limits import chown_tree, make_preexec, nproc_base, rlimit_values, sandbox_ids
from chipsmith.sandbox._output import Capture
from chipsmith.sandbox._pool import POOL
from chipsmith.sandbox._stage import staged_sources
from chipsmith.sandbox._view import View, host_view, is_under, temp_root
from chipsmith.sandbox._warm import WorkerError, WorkerKey
from chipsmith.sandbox.base import ExecResult, Limits
from chipsmith.sandbox.files import collect_files, force_rmtree, write_files

# Variables generated code may see; everything else (API keys, tokens, cloud credentials) is dropped.
SAFE_ENV = ("PATH", "LANG", "LC_ALL", "TERM", "TZ", "PYTHONHASHSEED", "OMP_NUM_THREADS")
KILL_GRACE_S = 5.0
log = logging.getLogger(__name__)


def scrubbed_env(tmpdir: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Pure given os.environ: only SAFE_ENV survives; HOME and TMPDIR point at the run's scratch dir."""
    env = {k: os.environ[k] for k in SAFE_ENV if k in os.environ}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    env["HOME"] = env["TMPDIR"] = tmpdir
    env.update(extra or {})
    return env


def warm_default() -> bool:
    """Persistent workers unless ``CHIPSMITH_SANDBOX_WARM=0``."""
    return os.environ.get("CHIPSMITH_SANDBOX_WARM", "1").lower() not in ("0", "false", "no")


@SANDBOXES.register("local")
class LocalSandbox:
    """Runs commands as host subprocesses, confined with bubblewrap when it is present."""

    name = "local"
    kills_past_output = True
    """``Limits.kill_past_output`` is honoured (the simulate tool then needs no ``head``)."""

    def __init__(
        self,
        use_bwrap: bool | None = None,
        env: dict[str, str] | None = None,
        use_cgroup: bool = True,
        gpu: bool = True,
        warm: bool | None = None,
    ) -> None:
        found = bwrap_path(os.environ.get("PATH")) is not None
        self.use_bwrap = found if use_bwrap is None else use_bwrap
        self.use_cgroup = use_cgroup
        self.extra_env = env or {}
        # GPU kernels must reach the device nodes; on a host without a GPU there are none to bind.
        self.gpu_devices = host_gpu_devices() if gpu else ()
        # Only bubblewrap can bind back what an unprivileged uid could not reach (/root/.pyenv...).
        self.ids = sandbox_ids() if self.use_bwrap else None
        self.warm = self.use_bwrap and (warm_default() if warm is None else warm)
        self.fallbacks: list[str] = []
        """Why runs meant for a persistent worker ran cold (tests check that it stays empty)."""

    def view(self) -> View:
        """What a run sees of this host (computed per call: sys.path may have grown)."""
        uid, gid = self.ids or (os.geteuid(), os.getegid())
        tmp = temp_root()
        return host_view(uid, gid, extra_hide=[] if is_under(tmp, "/tmp") else [tmp])

    def containment(self) -> dict[str, bool]:
        """What this host lets us enforce (tests and `chipsmith sandbox status` read it)."""
        probe = PidsCgroup.create(1) if self.use_cgroup else None
        if probe is not None:
            probe.remove()
        root = os.geteuid() == 0
        return {
            "bwrap": self.use_bwrap,
            "pids_cgroup": probe is not None,
            # RLIMIT_NPROC binds only non-root users; as root only the cgroup caps a fork bomb.
            "fork_bomb_contained": probe is not None or not root,
            "network_isolated": self.use_bwrap,
            "read_only_host": self.use_bwrap,
            # As root, only the uid drop (which needs bubblewrap) keeps root-only files unreadable.
            "root_files_hidden": self.ids is not None or not root,
            "warm_workers": self.warm,
        }

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
        if self.warm:
            try:
                return self._run_warm(cmd, files, timeout_s, limits, want)
            except WorkerError as exc:  # not the command's doing: run it the cold way, and say so
                self.fallbacks.append(str(exc))
                log.warning("local sandbox: %s; running this command without a persistent worker", exc)
        base = Path(tempfile.mkdtemp(prefix="chipsmith-")).resolve()
        try:
            work, scratch = self._prepare(base, files)
            result = self._run_cold(cmd, work, scratch, timeout_s, limits)
            result.files, result.refused = collect_files(work, want)
            return result
        finally:
            force_rmtree(base)

    def _prepare(self, base: Path, files: dict[str, bytes]) -> tuple[Path, Path]:
        work, scratch = base / "run", base / "tmp"
        work.mkdir()
        scratch.mkdir()
        write_files(work, files)
        if self.ids is not None:
            chown_tree(base, *self.ids)
        return work, scratch

    def _env(self, scratch: Path) -> dict[str, str]:
        return scrubbed_env("/tmp" if self.use_bwrap else str(scratch), self.extra_env)

    def _run_warm(
        self,
        cmd: list[str],
        files: dict[str, bytes],
        timeout_s: float,
        limits: Limits,
        want: list[str] | tuple[str, ...],
    ) -> ExecResult:
        key = WorkerKey(self.view(), limits.network, self.gpu_devices, self.ids, self.use_cgroup)
        worker = POOL.acquire(key)
        base = worker.new_run_dir()
        try:
            work, scratch = self._prepare(base, files)
            result = worker.run(cmd, work, scratch, self._env(scratch), timeout_s, limits)
            result.files, result.refused = collect_files(work, want)
            return result
        finally:
            force_rmtree(base)
            POOL.release(worker)

    def _run_cold(
        self, cmd: list[str], work: Path, scratch: Path, timeout_s: float, limits: Limits
    ) -> ExecResult:
        env = self._env(scratch)
        if not self.use_bwrap:
            return self._execute(list(cmd), work, env, timeout_s, limits, None)
        view = self.view()
        binds = [*view.keep, str(work), str(scratch)]
        sources, stage = staged_sources(binds, self.ids is not None)
        mounts = Mounts(
            view, sources, tmp=str(scratch), binds=(str(work),), chdir=str(work), devices=self.gpu_devices
        )
        full = bwrap_command(mounts, network=limits.network) + list(cmd)
        return self._execute(full, work, env, timeout_s, limits, stage)

    def _execute(
        self,
        cmd: list[str],
        work: Path,
        env: dict[str, str],
        timeout_s: float,
        limits: Limits,
        stage: Callable[[], None] | None,
    ) -> ExecResult:
        cgroup = PidsCgroup.create(limits.procs) if self.use_cgroup else None
        try:
            return self._spawn_and_wait(cmd, work, env, timeout_s, limits, cgroup, stage)
        finally:
            if cgroup is not None:
                cgroup.remove()

    def _spawn_and_wait(
        self,
        cmd: list[str],
        work: Path,
        env: dict[str, str],
        timeout_s: float,
        limits: Limits,
        cgroup: PidsCgroup | None,
        stage: Callable[[], None] | None,
    ) -> ExecResult:
        uid = self.ids[0] if self.ids else os.geteuid()
        rlimits = rlimit_values(limits, None if cgroup else nproc_base(uid))
        preexec = make_preexec(rlimits, cgroup.preexec if cgroup else None, self.ids, stage)
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        start = time.monotonic()
        try:
            proc = subprocess.Popen(
                cmd,
                cwd=work,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out_w,
                stderr=err_w,
                start_new_session=True,
                preexec_fn=preexec,
            )
        except (FileNotFoundError, PermissionError) as exc:
            os.close(out_r)
            os.close(err_r)
            return ExecResult(exit_code=127, stdout="", stderr=f"cannot run {cmd[0]}: {exc}")
        finally:
            os.close(out_w)
            os.close(err_w)
        stop = (lambda: _kill_group(proc.pid)) if limits.kill_past_output else None
        return _wait(proc, Capture(out_r, err_r, limits.output_bytes, stop), cgroup, start, timeout_s)

    def close(self) -> None:
        """Nothing per instance: persistent workers belong to the process (``close_workers``)."""

    @staticmethod
    def close_workers() -> None:
        """Stop this process's persistent workers now (they also stop at exit)."""
        POOL.close_all()


def _wait(
    proc: subprocess.Popen[bytes], cap: Capture, cgroup: PidsCgroup | None, start: float, timeout_s: float
) -> ExecResult:
    """Read the output until the process exits (or kill it after ``timeout_s``), then kill what is left."""
    pidfd = os.pidfd_open(proc.pid)
    timed_out = False

    def kill() -> None:
        nonlocal timed_out
        timed_out = True
        _kill_group(proc.pid)

    try:
        cap.pump_until(pidfd, start + timeout_s, kill, KILL_GRACE_S)
    finally:
        os.close(pidfd)
        # Also on KeyboardInterrupt: the whole group, then every cgroup member (setsid escapees).
        _kill_group(proc.pid)
        proc.wait()
        if cgroup is not None:
            cgroup.kill_all()
        cap.drain(KILL_GRACE_S)
    return ExecResult(
        exit_code=proc.returncode,
        stdout=cap.stdout.text(),
        stderr=cap.stderr.text(),
        timed_out=timed_out,
        truncated=cap.truncated,
        wall_s=time.monotonic() - start,
    )


def _kill_group(pid: int) -> None:
    """Kill the whole process group (bwrap's pid namespace dies with its init)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
