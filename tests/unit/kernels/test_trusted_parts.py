"""Pure parts of the trusted side: the channel's framing and signature, the memory-map audit, CPU
sample attribution and seed derivation."""

from __future__ import annotations

import os

import pytest

from chipsmith.tools.kernels import _channel as ch
from chipsmith.tools.kernels._perf import attribute, category
from chipsmith.tools.kernels._procwatch import children_cpu_ns, unverified_code, zombies
from helpers import require_module

pytestmark = pytest.mark.unit


def test_messages_round_trip_and_garbage_is_refused() -> None:
    r, w = os.pipe()
    try:
        ch.send(w, {"op": "call", "x": [1, 2]})
        assert ch.recv(r) == {"op": "call", "x": [1, 2]}
        os.write(w, (ch.MAX_MESSAGE + 1).to_bytes(4, "little"))
        with pytest.raises(ch.ChannelError) as big:
            ch.recv(r)
        assert big.value.kind == "protocol"
    finally:
        os.close(w)
    with pytest.raises(ch.ChannelError) as closed:
        ch.recv(r)
    assert closed.value.kind == "closed"
    os.close(r)


def test_a_silent_worker_times_out() -> None:
    import time

    r, w = os.pipe()
    with pytest.raises(ch.ChannelError) as late:
        ch.recv(r, deadline=time.monotonic() + 0.05)
    assert late.value.kind == "timeout"
    os.close(r)
    os.close(w)


def test_layout_leaves_a_guard_after_every_block() -> None:
    blocks = ch.layout([10, 100, 0], start=64)
    assert blocks[0] == (64, 10)
    for (off, n), (nxt, _) in zip(blocks, blocks[1:], strict=False):
        assert nxt >= off + n + ch.GUARD and nxt % ch.ALIGN == 0
    assert ch.end_of(blocks) >= blocks[-1][0] + ch.GUARD


def test_signature_depends_on_key_and_content() -> None:
    sig = ch.sign(b"k" * 32, b"{}")
    assert ch.signed_ok(b"k" * 32, b"{}", sig.encode())
    assert not ch.signed_ok(b"x" * 32, b"{}", sig.encode())
    assert not ch.signed_ok(b"k" * 32, b"{} ", sig.encode())


def test_compare_case_and_unchanged() -> None:
    import numpy as np

    from chipsmith.tools.kernels.compare import compare_case, unchanged

    ref = [np.array([0, 1, 2, 3], np.float32)]
    tol = (1e-4, 1e-4, "float32")
    ok = compare_case({"1st call": (ref, ["float32"])}, ref, None, [None], ["float32"], tol)
    assert ok is None
    wrong = compare_case({"1st call": ([ref[0] + 1], ["float32"])}, ref, None, [None], ["float32"], tol)
    assert wrong is not None and wrong[0] == "mismatch" and wrong[1].startswith("1st call: output 0")
    dtype = compare_case({"c": (ref, ["float16"])}, ref, None, [None], ["float32"], tol)
    assert dtype is not None and dtype[0] == "dtype"
    count = compare_case({"c": ([], [])}, ref, None, [None], ["float32"], tol)
    assert count is not None and "0 output(s)" in count[1]
    nan = np.array([np.nan, 1, np.nan, 3], np.float32)
    assert unchanged(ref, [nan]) == [[2, 4]]
    assert unchanged([nan], [nan.copy()]) == [[4, 4]]
    assert unchanged(ref, []) == [[-1, 4]]


def test_only_the_runtime_and_sealed_libraries_may_run() -> None:
    roots = ["/usr/lib", "/opt/venv"]
    maps = [
        ("/usr/lib/x86_64-linux-gnu/libc.so.6", 1),
        ("/opt/venv/lib/python3.11/site-packages/torch/lib/libtorch_cpu.so", 2),
        ("/memfd:chipsmith-lib-abc (deleted)", 77),
        ("[vdso]", 0),
        ("/memfd:chipsmith-lib-abc (deleted)", 78),
        ("/tmp/evil.so", 3),
        ("/usr/libexec/x.so", 4),
        ("", 0),
    ]
    bad = unverified_code(maps, roots, {77})
    assert bad == sorted(
        [
            "/memfd:chipsmith-lib-abc (deleted)",
            "/tmp/evil.so",
            "/usr/libexec/x.so",
            "anonymous executable memory",
        ]
    )


def test_samples_are_attributed_to_the_part_they_ran_in() -> None:
    ranges = [
        (100, 200, "/memfd:chipsmith-lib-x (deleted)", 9),
        (300, 400, "/v/site-packages/numpy/_core/_multiarray_umath.so", 1),
        (500, 600, "/v/site-packages/torch/lib/libtorch_cpu.so", 2),
        (700, 800, "/usr/bin/python3.11", 3),
        (900, 950, "/v/site-packages/torch/lib/libgomp.so.1", 4),
    ]
    counts = attribute([150, 150, 350, 550, 750, 920, 1000], ranges, {9})
    assert counts == {"kernel": 3, "numpy": 1, "torch": 1, "runtime": 1, "unknown": 1}
    assert category("/x/numpy.libs/libscipy_openblas64_.so", 5, set()) == "numpy"
    assert category("/memfd:chipsmith-lib-x (deleted)", 10, {9}) == "runtime"  # not a sealed inode


def test_seeds_are_derived_per_case_from_the_secret() -> None:
    require_module("torch")
    from chipsmith.tools.kernels._refside import derive_seed

    assert derive_seed(1, "s0_task_0") == derive_seed(1, "s0_task_0")
    assert derive_seed(1, "s0_task_0") != derive_seed(2, "s0_task_0")
    assert derive_seed(1, "s0_task_0") != derive_seed(1, "s0_normal_1")
    assert 0 <= derive_seed(123, "t5") < 2**31


def test_a_reaped_child_leaves_its_cpu_and_an_unreaped_orphan_is_a_zombie() -> None:
    """What the supervisor sees of a worker that does its work in a child process that is gone
    before anyone looks: the child's CPU in the worker's cutime, or a zombie under the subreaper."""
    import time

    before = children_cpu_ns(os.getpid())
    pid = os.fork()
    if pid == 0:  # burn ~50 ms of CPU, then leave
        end = time.process_time() + 0.05
        while time.process_time() < end:
            pass
        os._exit(0)
    os.waitpid(pid, 0)
    assert children_cpu_ns(os.getpid()) - before >= 20_000_000
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    try:
        for _ in range(500):
            if pid in zombies({os.getpid()}):
                break
            time.sleep(0.002)
        assert pid in zombies({os.getpid()}) and pid not in zombies({1})
    finally:
        os.waitpid(pid, 0)
    assert pid not in zombies({os.getpid()})


def test_the_triton_ablation_takes_one_secret_case_per_shape() -> None:
    require_module("torch")
    from chipsmith.tools.kernels._phases import one_per_shape
    from chipsmith.tools.kernels.harness import plan_cases

    cases = plan_cases(3, 3)
    picks = {tuple(c["key"] for c in one_per_shape(cases, seed)) for seed in range(20)}
    assert all(
        sorted(cases[[c["key"] for c in cases].index(k)]["shape"] for k in p) == [0, 1, 2] for p in picks
    )
    assert len(picks) > 1  # which case depends on the secret seed
