"""Registry and settings layering."""

from __future__ import annotations

import pytest

from chipsmith.config import load_settings
from chipsmith.registry import Registry, UnknownNameError

pytestmark = pytest.mark.unit


def test_register_and_get():
    reg: Registry = Registry("widget")

    @reg.register("a")
    class A:
        pass

    assert reg.get("a") is A
    assert reg.names() == ["a"]


def test_unknown_name_lists_known():
    reg: Registry = Registry("widget")
    reg.add("x", object)
    with pytest.raises(UnknownNameError) as err:
        reg.get("nope")
    assert str(err.value) == "unknown widget 'nope'; known: x"


def test_duplicate_registration_is_an_error():
    reg: Registry = Registry("widget")
    reg.add("x", int)
    with pytest.raises(ValueError):
        reg.add("x", str)


def test_settings_layers(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_settings().sandbox == "local"
    (tmp_path / "chipsmith.toml").write_text('sandbox = "docker"\njobs = 3\n')
    assert load_settings().sandbox == "docker"
    monkeypatch.setenv("CHIPSMITH_SANDBOX", "envbox")
    s = load_settings()
    assert (s.sandbox, s.jobs) == ("envbox", 3)
    assert load_settings(sandbox="flagbox", jobs=None).sandbox == "flagbox"


def test_every_builtin_module_exists():
    import importlib.util

    from chipsmith import registry

    regs = [v for v in vars(registry).values() if isinstance(v, Registry)]
    assert len(regs) >= 7
    for reg in regs:
        for mod in reg._builtins:
            assert importlib.util.find_spec(mod) is not None, f"{reg.kind}: {mod} missing"


@pytest.mark.unit
def test_first_lookup_from_many_threads_waits_for_builtin_imports(tmp_path, monkeypatch):
    """A thread must not see a half-loaded registry while another one is importing its built-ins."""
    import sys
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    mod = tmp_path / "slow_builtin_mod.py"
    mod.write_text(
        "import time\nfrom chipsmith.registry import REG_UNDER_TEST as R\n"
        "time.sleep(0.3)\nR.add('slow', object())\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    reg: Registry = Registry("thing", ("slow_builtin_mod",))
    import chipsmith.registry as registry_mod

    monkeypatch.setattr(registry_mod, "REG_UNDER_TEST", reg, raising=False)
    monkeypatch.delitem(sys.modules, "slow_builtin_mod", raising=False)
    start = threading.Barrier(4)

    def look() -> bool:
        start.wait()
        time.sleep(0.01)
        return "slow" in reg

    with ThreadPoolExecutor(4) as pool:
        seen = list(pool.map(lambda _: look(), range(4)))
    assert seen == [True, True, True, True]
