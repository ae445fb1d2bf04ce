"""What the local sandbox hides and binds back (pure rules of ``_view``)."""

from __future__ import annotations

import os
import stat

import pytest

from chipsmith.sandbox._view import closed_ancestor, enterable, outermost, plan_view, tool_entries

pytestmark = pytest.mark.unit


def _open(path: str) -> bool:
    return path != "/root"  # /root is mode 700, the rest is searchable


def test_interpreter_under_a_hidden_home_is_bound_back():
    view = plan_view(["/root", "/home"], [], ["/root/.pyenv/versions/3.11", "/usr/lib/python3"], [], _open)
    assert view.hide == ("/home", "/root") and view.keep == ("/root/.pyenv/versions/3.11",)


def test_a_checkout_under_tmp_is_bound_back_over_the_scratch_dir():
    needed = ["/tmp/clone/.venv", "/tmp/clone/src", "/tmp/clone/.venv/lib/python3.11/site-packages"]
    view = plan_view([], [], needed, [], _open)
    assert view.keep == ("/tmp/clone/.venv", "/tmp/clone/src")  # the outermost of nested paths


def test_a_closed_directory_on_the_way_is_hidden_and_the_path_bound_through_it():
    def can_enter(path: str) -> bool:
        return path != "/srv/private"

    view = plan_view([], [], ["/srv/private/venv"], [], can_enter)
    assert view.hide == ("/srv/private",) and view.keep == ("/srv/private/venv",)
    assert closed_ancestor("/srv/private/venv/bin", can_enter) == "/srv/private"
    assert closed_ancestor("/usr/bin", can_enter) is None


def test_a_needed_path_never_uncovers_a_hidden_dir():
    # `python /root/script.py` puts /root on sys.path: binding it back would show every credential
    view = plan_view(["/root"], [], ["/root", "/root/.pyenv/versions/3.11"], [], _open)
    assert view.keep == ("/root/.pyenv/versions/3.11",)
    # nor /tmp itself (a script run from /tmp): the host's /tmp would cover the run's scratch dir
    assert plan_view([], [], ["/tmp", "/tmp/co/.venv"], [], _open).keep == ("/tmp/co/.venv",)


def test_opt_is_hidden_except_tool_installs_on_path():
    view = plan_view(["/opt"], [], [], ["/opt/oss-cad-suite/bin", "/usr/bin"], _open)
    assert view.hide == ("/opt",) and view.keep == ("/opt/oss-cad-suite",)
    assert tool_entries("/opt", ["/opt/cuda/bin", "/opt", "/usr/bin"]) == ["/opt/cuda"]


def test_masked_files_inside_a_hidden_dir_need_no_mask():
    view = plan_view(["/etc/ssh"], ["/etc/shadow", "/etc/ssh/ssh_host_rsa_key"], [], [], _open)
    assert view.mask == ("/etc/shadow",)


def test_outermost_keeps_parents_only():
    assert outermost(["/a/b", "/a", "/c", "/ab"]) == ["/a", "/ab", "/c"]


def test_enterable_follows_owner_group_other_bits():
    def st(mode: int, uid: int, gid: int) -> os.stat_result:
        return os.stat_result((stat.S_IFDIR | mode, 0, 0, 0, uid, gid, 0, 0, 0, 0))

    assert not enterable(st(0o700, 0, 0), 65534, 65534)
    assert enterable(st(0o711, 0, 0), 65534, 65534)
    assert enterable(st(0o700, 65534, 0), 65534, 65534)
    assert enterable(st(0o710, 0, 65534), 65534, 65534)
