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
