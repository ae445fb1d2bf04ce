"""LocalSandbox: a subprocess in a fresh work dir, with rlimits, a pids cgroup, a scrubbed environment and,
when bubblewrap is installed, no network, no capabilities and a read-only view of the host.

Containment, in layers: every run gets its own directory (``work`` for the files, ``tmp`` as TMPDIR);
the child is its own process group and, when we may create one, a pids cgroup (caps a fork bomb even
as root, and finds every process the run spawned); bubblewrap adds a pid namespace that dies with us,
a private network namespace and a read-only root with only the two run directories writable.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from chipsmith.registry import SANDBOXES
from chipsmith.sandbox._cgroup import PidsCgroup
from chipsmith.sandbox._local_limits import make_preexec, nproc_base, rlimit_values
from chipsmith.sandbox._output import CappedReader
from chipsmith.sandbox.base import ExecResult, Limits
from chipsmith.sandbox.files import collect_files, write_files

# Variables generated code may see; everything else (API keys, tokens, cloud credentials) is dropped.
SAFE_ENV = ("PATH", "LANG", "LC_ALL", "TERM", "TZ", "PYTHONHASHSEED", "OMP_NUM_THREADS")


def scrubbed_env(tmpdir: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """Pure given os.environ: only SAFE_ENV survives; HOME and TMPDIR point at the run's scratch dir."""
    env = {k: os.environ[k] for k in SAFE_ENV if k in os.environ}
    env.setdefault("PATH", "/usr/local/bin:/usr/bin:/bin")
    env["HOME"] = env["TMPDIR"] = tmpdir
    env.update(extra or {})
    return env


# Kernel knobs under /proc stay writable for a capability-less uid 0 (file modes, not capabilities,
# guard them): a sandboxed root could change global sysctls. Docker makes the same paths read-only.
PROC_READ_ONLY = ("/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus", "/proc/fs")


def hide_homes_args(homes: list[str], keep: list[str]) -> list[str]:
    """Pure: cover home directories (credential files: ~/.netrc, ~/.config/...) with empty tmpfs, then
    re-expose read-only the ``keep`` paths that lie inside one (the Python that runs our tools)."""
    args: list[str] = []
    for home in homes:
        args += ["--tmpfs", home]
    for path in keep:
        if any(path == h or path.startswith(h.rstrip("/") + "/") for h in homes):
            args += ["--ro-bind", path, path]
    return args


def default_hide_homes_args() -> list[str]:
    """Hide /root, /home and $HOME, keeping the interpreter and virtualenv of this process visible."""
    homes = sorted({h for h in ("/root", "/home", str(Path.home())) if h != "/" and os.path.isdir(h)})
    keep = sorted(
        {os.path.realpath(p) for p in (sys.base_prefix, sys.prefix, os.path.dirname(sys.executable))}
    )
    return hide_homes_args(homes, keep)


def bwrap_prefix(workdir: Path, scratch: Path, network: bool, hide: list[str] | None = None) -> list[str]:
    """Pure: bubblewrap arguments confining a command to ``workdir`` (+ ``scratch`` seen as /tmp).

    ``hide`` is extra mount arguments applied after the root is bound (``default_hide_homes_args()``).
    """
    args = ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", *(hide or [])]
    for path in PROC_READ_ONLY:
        args += ["--ro-bind-try", path, path]
    # A uid 0 may connect to any root-owned Unix socket it can see (docker.sock means the host): hide
    # /run; /tmp is replaced by the run's scratch dir below. Abstract sockets stay in the host net ns.
    args += ["--tmpfs", "/run"]
    args += ["--bind", str(scratch), "/tmp", "--bind", str(workdir), str(workdir), "--chdir", str(workdir)]
    # Own user namespace (so --cap-drop ALL also empties the bounding set, and no nested user namespace
    # can hand capabilities back), pid namespace that dies with us, and no network unless asked for.
    # --cap-drop ALL matters when we are root: otherwise the child keeps CAP_SYS_ADMIN and could
    # remount the read-only root read-write.
    args += ["--unshare-user", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try"]
    args += ["--disable-userns", "--cap-drop", "ALL", "--die-with-parent", "--new-session"]
    if not network:
        args.append("--unshare-net")
    return args + ["--"]


def gpu_device_args(devices: list[str]) -> list[str]:
    """Pure: bubblewrap arguments exposing the given GPU device nodes (``--dev /dev`` hides them)."""
    args: list[str] = []
    for dev in devices:
        args += ["--dev-bind", dev, dev]
    return args


def host_gpu_devices() -> list[str]:
    """The NVIDIA device nodes of this host (none on a machine without a GPU)."""
    import glob

    return sorted(glob.glob("/dev/nvidia*"))


def _force_rmtree(path: Path) -> None:
    """Remove a run's directory even when the command left read-only files or directories."""

    def onerror(func, p, _exc):  # type: ignore[no-untyped-def]
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(p), stat.S_IRWXU)
            os.chmod(p, stat.S_IRWXU)
            func(p)

    shutil.rmtree(path, onerror=onerror)


@SANDBOXES.register("local")
class LocalSandbox:
    """Runs commands as host subprocesses, confined with bubblewrap when it is present."""

    name = "local"

    def __init__(
        self,
        use_bwrap: bool | None = None,
        env: dict[str, str] | None = None,
        use_cgroup: bool = True,
        gpu: bool = True,
    ) -> None:
        self.use_bwrap = shutil.which("bwrap") is not None if use_bwrap is None else use_bwrap
        self.use_cgroup = use_cgroup
        self.extra_env = env or {}
        # GPU kernels must reach the device nodes; on a host without a GPU there are none to bind.
        self.gpu_devices = host_gpu_devices() if gpu else []

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
        base = Path(tempfile.mkdtemp(prefix="chipsmith-")).resolve()
        try:
            work, scratch = base / "run", base / "tmp"
            work.mkdir()
            scratch.mkdir()
            write_files(work, files)
            full = list(cmd)
            if self.use_bwrap:
                mounts = default_hide_homes_args() + gpu_device_args(self.gpu_devices)
                full = bwrap_prefix(work, scratch, limits.network, mounts) + full
            env = scrubbed_env("/tmp" if self.use_bwrap else str(scratch), self.extra_env)
            result = self._execute(full, work, env, timeout_s, limits)
            result.files, result.refused = collect_files(work, want)
            return result
        finally:
            _force_rmtree(base)

    def _execute(
        self, cmd: list[str], work: Path, env: dict[str, str], timeout_s: float, limits: Limits
    ) -> ExecResult:
        cgroup = PidsCgroup.create(limits.procs) if self.use_cgroup else None
        try:
            return self._spawn_and_wait(cmd, work, env, timeout_s, limits, cgroup)
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
    ) -> ExecResult:
        preexec = make_preexec(rlimit_values(limits, nproc_base()), cgroup.preexec if cgroup else None)
        start = time.monotonic()
        try:
            proc = subprocess.Popen(
                cmd,
                cwd=work,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                preexec_fn=preexec,
            )
        except (FileNotFoundError, PermissionError) as exc:
            return ExecResult(exit_code=127, stdout="", stderr=f"cannot run {cmd[0]}: {exc}")
        readers = [CappedReader(p, limits.output_bytes) for p in (proc.stdout, proc.stderr)]  # type: ignore[arg-type]
        for r in readers:
            r.start()
        # A timer kills the group at the deadline while we block in waitpid: Popen.wait(timeout=...)
        # polls with sleeps, which cost ~25 ms per short run.
        fired = threading.Event()

        def on_deadline() -> None:
            fired.set()
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(proc.pid, signal.SIGKILL)

        timer = threading.Timer(timeout_s, on_deadline)
        timer.daemon = True
        timer.start()
        try:
            proc.wait()
        finally:
            timer.cancel()
            # Also on KeyboardInterrupt: the whole group, then every cgroup member (setsid escapees).
            _kill_group(proc)
            if cgroup is not None:
                cgroup.kill_all()
        for r in readers:
            r.join(timeout=5)
        return ExecResult(
            exit_code=proc.returncode if proc.returncode is not None else -9,
            stdout=readers[0].cap.text(),
            stderr=readers[1].cap.text(),
            timed_out=fired.is_set(),
            truncated=any(r.cap.dropped for r in readers),
            wall_s=time.monotonic() - start,
        )

    def close(self) -> None:
        pass


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the whole process group (bwrap's pid namespace dies with its init)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
