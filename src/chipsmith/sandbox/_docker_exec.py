"""One run inside a started sandbox container: files in, command with a deadline, files out."""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

from chipsmith.sandbox._docker_archive import first_regular_file, index_tar, pack_files, resolve
from chipsmith.sandbox._docker_spec import USER, WORK
from chipsmith.sandbox._output import OutputCap
from chipsmith.sandbox.base import ExecResult, Limits

MKDIR_AND_EXEC = ["sh", "-c", 'mkdir "$1" && cd "$1" && shift && exec "$@"', "sh"]


class _ExecStream(threading.Thread):
    """Reads a demuxed exec stream into two capped buffers (so 1 GB of output costs ~2 MB)."""

    def __init__(self, stream: Any, limit: int) -> None:
        super().__init__(daemon=True)
        self.stream = stream
        self.out, self.err = OutputCap(limit), OutputCap(limit)
        self.error: str | None = None

    def run(self) -> None:
        try:
            for out, err in self.stream:
                if out:
                    self.out.feed(out)
                if err:
                    self.err.feed(err)
        except Exception as exc:  # the container was killed under the stream: the result says so
            self.error = f"{type(exc).__name__}: {exc}"


def run_in_container(
    container: Any,
    cmd: list[str],
    files: dict[str, bytes],
    timeout_s: float,
    limits: Limits,
    want: list[str] | tuple[str, ...],
) -> tuple[ExecResult, bool]:
    """Run ``cmd`` in a fresh directory of ``container``. Returns the result and whether it still lives."""
    api = container.client.api
    run_dir = f"{WORK}/run-{uuid.uuid4().hex[:12]}"
    start = time.monotonic()
    if files:
        container.put_archive(WORK, pack_files(files, run_dir.rsplit("/", 1)[1]))
        exec_id = api.exec_create(container.id, cmd, user=USER, workdir=run_dir)["Id"]
    else:  # no archive to send: one API call less, the shell makes the empty run dir
        exec_id = api.exec_create(container.id, [*MKDIR_AND_EXEC, run_dir, *cmd], user=USER, workdir=WORK)[
            "Id"
        ]
    reader = _ExecStream(api.exec_start(exec_id, stream=True, demux=True), limits.output_bytes)
    reader.start()
    reader.join(timeout_s)
    timed_out = reader.is_alive()
    if timed_out:
        # exec has no kill: stopping the container is the only way to end everything the command started.
        container.kill()
        reader.join(10)
    wall = time.monotonic() - start
    code = None if timed_out else api.exec_inspect(exec_id).get("ExitCode")
    result = ExecResult(
        exit_code=code if code is not None else -9,
        stdout=reader.out.text(),
        stderr=reader.err.text(),
        timed_out=timed_out,
        truncated=bool(reader.out.dropped or reader.err.dropped),
        wall_s=wall,
    )
    if want:
        result.files, result.refused = fetch_files(container, run_dir, want)
    return result, not timed_out


def _single_file(container: Any, path: str) -> bytes | None:
    bits, _stat = container.get_archive(path)
    return first_regular_file(bits)


def fetch_files(
    container: Any, run_dir: str, want: list[str] | tuple[str, ...]
) -> tuple[dict[str, bytes], dict[str, str]]:
    """Wanted files from the run dir; symlinks are resolved on the host and refused if they leave it."""
    bits, _stat = container.get_archive(run_dir)
    index = index_tar(bits, keep=set(want))
    got: dict[str, bytes] = {}
    refused: dict[str, str] = {}
    for name in want:
        real, why = resolve(name, index)
        if real is None:
            refused[name] = why
        elif real in index.contents:
            got[name] = index.contents[real]
        elif (data := _single_file(container, f"{run_dir}/{real}")) is not None:
            # ``real`` is link-free (checked against the member table), so this fetch cannot escape.
            got[name] = data
        else:
            refused[name] = "missing"
    return got, refused
