"""The Sandbox protocol and its data models. Every backend runs a command on given files."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

TRUNCATION_MARKER = "\n[chipsmith: output truncated at {limit} bytes]\n"


class Limits(BaseModel):
    """Resource limits for one run. ``None`` means the backend default."""

    model_config = ConfigDict(frozen=True)

    cpu_s: int | None = 120
    """CPU seconds (RLIMIT_CPU)."""
    memory_mb: int | None = 4096
    """Address space / container memory."""
    file_mb: int | None = 256
    """Largest file the command may write."""
    procs: int | None = 256
    """Process/thread count (RLIMIT_NPROC for local, pids limit for docker)."""
    output_bytes: int = 1_000_000
    """stdout and stderr are each cut at this many bytes, with a visible marker."""
    kill_past_output: bool = False
    """Kill the run as soon as either stream passes ``output_bytes`` (not a timeout: ``timed_out``
    stays false, ``truncated`` is set). Honoured where the sandbox's ``kills_past_output`` is true."""
    network: bool = False
    """Allow network access (off by default)."""


class ExecResult(BaseModel):
    """What one sandboxed command did."""

    exit_code: int
    stdout: str
    stderr: str
    timed_out: bool = False
    truncated: bool = False
    wall_s: float = 0.0
    files: dict[str, bytes] = Field(default_factory=dict)
    """Requested output files (relative path -> content) that existed inside the work dir."""
    refused: dict[str, str] = Field(default_factory=dict)
    """Requested files that were not returned, with why (missing, symlink escaping the work dir...)."""

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out


class SandboxError(RuntimeError):
    """The sandbox itself failed (not the command): e.g. Docker daemon unreachable."""


@runtime_checkable
class Sandbox(Protocol):
    """Runs ``cmd`` in a fresh work dir holding ``files``; returns the files named in ``want``."""

    name: str

    def run(
        self,
        cmd: list[str],
        files: dict[str, bytes],
        *,
        timeout_s: float,
        limits: Limits | None = None,
        want: list[str] | tuple[str, ...] = (),
    ) -> ExecResult: ...

    def close(self) -> None: ...
