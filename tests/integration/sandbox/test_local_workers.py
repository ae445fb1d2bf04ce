"""LocalSandbox's persistent workers and its view of the host: a virtualenv or checkout under /tmp,
timeouts, a dead worker, the worker's cgroup, and the input files' owner."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

import pytest

from chipsmith.sandbox._pool import POOL
from chipsmith.sandbox.base import Limits
from chipsmith.sandbox.local import LocalSandbox
from helpers import IN_CI, require_tool

pytestmark = [pytest.mark.integration, pytest.mark.xdist_group("sandbox-local")]
SRC = Path(__file__).resolve().parents[3] / "src"
PROBE = """
import sys
from chipsmith.sandbox.local import LocalSandbox
box = LocalSandbox(warm={warm})
res = box.run([sys.executable, "-c", "import chipsmith, pydantic; print(chipsmith.__file__)"], {{}}, timeout_s=60)
print(res.exit_code, res.stdout.strip(), res.stderr.strip(), box.fallbacks)
"""


@pytest.fixture(scope="module")
def clone_under_tmp():
    """A virtualenv under /tmp whose chipsmith is a checkout under /tmp (a symlinked copy of src/)."""
    require_tool("bwrap")
    root = Path(tempfile.mkdtemp(prefix="chipsmith-clone-", dir="/tmp"))
    venv = root / ".venv"
    subprocess.run([sys._base_executable, "-m", "venv", "--without-pip", str(venv)], check=True)  # type: ignore[attr-defined]
    (root / "src").symlink_to(SRC)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(venv)}))
    deps = sysconfig.get_path("purelib")  # the project venv's packages (pydantic...), added after src
    (site / "clone.pth").write_text(f"{root / 'src'}\nimport site; site.addsitedir({deps!r})\n")
    yield root
    subprocess.run(["rm", "-rf", str(root)], check=True)


@pytest.mark.parametrize("warm", [True, False], ids=["warm", "cold"])
def test_virtualenv_and_checkout_under_tmp_stay_visible(clone_under_tmp, warm):
    python = clone_under_tmp / ".venv" / "bin" / "python"
    out = subprocess.run(
        [str(python), "-c", PROBE.format(warm=warm)], capture_output=True, text=True, timeout=120, cwd="/"
    )
    assert out.returncode == 0, out.stderr
    code, path, *rest = out.stdout.split(" ", 2)
    # the run imported chipsmith from the /tmp checkout with the /tmp interpreter
    assert code == "0" and path == str(clone_under_tmp / "src" / "chipsmith" / "__init__.py"), out.stdout
    assert rest[-1].strip().endswith("[]"), out.stdout  # no fallback from warm to cold


def _worker() -> object:
    workers = list(POOL._all)
    assert len(workers) >= 1
    return workers[-1]


def test_a_timed_out_run_leaves_the_worker_serving():
    require_tool("bwrap")
    LocalSandbox.close_workers()
    box = LocalSandbox(warm=True)
    assert box.run(["sh", "-c", "sleep 60 & sleep 60"], {}, timeout_s=1).timed_out
    res = box.run(["echo", "next"], {}, timeout_s=30)
    assert res.stdout == "next\n" and box.fallbacks == [] and len(POOL._all) == 1


@pytest.mark.parametrize("warm", [True, False], ids=["warm", "cold"])
def test_kill_past_output_stops_endless_printing_at_once(warm):
    require_tool("bwrap")
    box = LocalSandbox(warm=warm)
    assert box.kills_past_output
    start = time.monotonic()
    limits = Limits(output_bytes=1000, kill_past_output=True)
    res = box.run(["sh", "-c", "sleep 30 & yes"], {}, timeout_s=30, limits=limits)
    assert time.monotonic() - start < 10  # killed at the cap, not at the 30 s timeout
    assert res.truncated and not res.timed_out and res.exit_code == -signal.SIGKILL
    assert res.stdout.startswith("y\ny\n") and box.fallbacks == []
    # without the option the cap only cuts what is kept; the worker serves the next run either way
    res = box.run(["sh", "-c", "yes | head -c 5000"], {}, timeout_s=30, limits=Limits(output_bytes=1000))
    assert res.truncated and res.exit_code == 0 and box.fallbacks == []


def test_a_dead_worker_is_replaced():
    require_tool("bwrap")
    LocalSandbox.close_workers()
    box = LocalSandbox(warm=True)
    box.run(["true"], {}, timeout_s=30)
    dead = _worker()
    os.kill(dead.init_pid, signal.SIGKILL)  # type: ignore[attr-defined]
    dead.proc.wait(timeout=10)  # type: ignore[attr-defined]
    assert box.run(["echo", "again"], {}, timeout_s=30).stdout == "again\n"
    assert box.fallbacks == [] and _worker() is not dead


def test_worker_cgroup_caps_each_run_and_goes_with_the_worker():
    require_tool("bwrap")
    LocalSandbox.close_workers()
    box = LocalSandbox(warm=True)
    if not box.containment()["pids_cgroup"]:
        msg = "no writable pids cgroup here (not root, or no pids controller)"
        pytest.fail(msg + " (CI requires it)") if IN_CI else pytest.skip(msg)
    box.run(["true"], {}, timeout_s=30, limits=Limits(procs=7))
    cgroup = _worker().cgroup.path  # type: ignore[attr-defined]
    limit = int((cgroup / "pids.max").read_text())
    assert 7 < limit <= 7 + 8  # the run's 7 on top of the worker's own few tasks
    LocalSandbox.close_workers()
    assert not cgroup.exists()


def test_input_files_belong_to_the_command_uid():
    require_tool("bwrap")
    res = LocalSandbox(warm=True).run(
        ["sh", "-c", "echo more >> in.txt && cat in.txt"], {"in.txt": b"x\n"}, timeout_s=30
    )
    assert res.ok and res.stdout == "x\nmore\n", res.stderr


POOL_SCRIPT = """
import multiprocessing, os
from concurrent.futures import ProcessPoolExecutor

def job(_):
    from chipsmith.sandbox.local import LocalSandbox
    res = LocalSandbox(warm=True).run(["true"], {}, timeout_s=30)
    return os.getpid(), res.exit_code, LocalSandbox.__name__

if __name__ == "__main__":
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("forkserver")) as pool:
        pid, code, _ = pool.submit(job, 0).result()
    print(pid, code)
"""


def test_a_process_pool_worker_removes_its_workers_on_exit(tmp_path):
    """Process pool workers exit without atexit handlers: the workers' directories must go anyway."""
    from chipsmith.sandbox._warm import SLOT_PREFIX, slot_root

    require_tool("bwrap")
    script = tmp_path / "pool.py"
    script.write_text(POOL_SCRIPT)
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    pid, code = out.stdout.split()
    assert code == "0", out.stderr
    assert list(Path(slot_root()).glob(f"{SLOT_PREFIX}{pid}-*")) == []


def test_clean_removes_directories_of_dead_workers_only(tmp_path):
    from chipsmith.sandbox._warm import SLOT_PREFIX, remove_stale_slots

    dead = tmp_path / f"{SLOT_PREFIX}999999999-abc"
    live = tmp_path / f"{SLOT_PREFIX}{os.getpid()}-def"
    for d in (dead / "r0" / "run", live):
        d.mkdir(parents=True)
    assert remove_stale_slots(str(tmp_path)) == 1
    assert not dead.exists() and live.exists()
