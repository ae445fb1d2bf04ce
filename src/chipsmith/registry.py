"""The one extension mechanism: named registries filled by decorators and by plugins.

A built-in entry registers itself with ``@SANDBOXES.register("local")`` next to its code. Each
registry names the built-in modules that hold its entries; they are imported on first lookup, so
importing this module stays cheap. A third-party package adds entries through the entry-point
group ``chipsmith.plugins``: each entry point names a module (imported for its registrations) or a
callable (called with no arguments). Plugins load the first time a name is not found.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Iterator
from importlib.metadata import entry_points
from typing import Generic, TypeVar

T = TypeVar("T")

PLUGIN_GROUP = "chipsmith.plugins"


class UnknownNameError(KeyError):
    """A name that no registry entry (built-in or plugin) provides."""

    def __str__(self) -> str:  # KeyError quotes its message; we want one clean line
        return str(self.args[0])


_plugins_loaded = False
# One lock for first-time imports: a second thread must wait for the modules the first one is
# importing, not see "loaded" with empty entries. Re-entrant: a module may look names up on import.
_IMPORT_LOCK = threading.RLock()


def load_plugins() -> list[str]:
    """Import every ``chipsmith.plugins`` entry point once; return the names loaded."""
    global _plugins_loaded
    with _IMPORT_LOCK:
        if _plugins_loaded:
            return []
        _plugins_loaded = True
        return _import_plugins()


def _import_plugins() -> list[str]:
    loaded = []
    for ep in entry_points(group=PLUGIN_GROUP):
        obj = ep.load()
        if callable(obj) and not isinstance(obj, type(importlib)):
            obj()
        loaded.append(ep.name)
    return loaded


class Registry(Generic[T]):
    """A mapping from names to factories (classes or functions) of one kind."""

    def __init__(self, kind: str, builtins: tuple[str, ...] = ()) -> None:
        self.kind = kind
        self._builtins = builtins
        self._builtins_loaded = False
        self._loading = False
        self._entries: dict[str, T] = {}

    def register(self, name: str) -> Callable[[T], T]:
        """Decorator: ``@REG.register("name")`` above a class or function."""

        def deco(obj: T) -> T:
            self.add(name, obj)
            return obj

        return deco

    def add(self, name: str, obj: T) -> None:
        if name in self._entries and self._entries[name] is not obj:
            existing = self._entries[name]
            # Re-importing the same module (e.g. under reload) re-registers an equal qualname.
            if getattr(existing, "__qualname__", None) != getattr(obj, "__qualname__", object()):
                raise ValueError(f"{self.kind} {name!r} is already registered")
        self._entries[name] = obj

    def _load_builtins(self) -> None:
        if self._builtins_loaded:
            return
        with _IMPORT_LOCK:
            # Done by another thread meanwhile, or this thread is inside one of the imports below.
            if self._builtins_loaded or self._loading:
                return
            self._loading = True
            try:
                self._import_builtins()
            finally:
                self._loading = False
                self._builtins_loaded = True

    def _import_builtins(self) -> None:
        for mod in self._builtins:
            try:
                importlib.import_module(mod)
            except ModuleNotFoundError as exc:
                # Only a built-in module that is absent is tolerated (an optional part not
                # installed); an import error inside it propagates. A unit test checks that
                # every listed module exists in a full install.
                if exc.name != mod:
                    raise

    def get(self, name: str) -> T:
        """The entry called ``name``; loads plugins on a miss; a clear error if still unknown."""
        self._load_builtins()
        if name not in self._entries:
            load_plugins()
        if name not in self._entries:
            known = ", ".join(sorted(self._entries)) or "none"
            raise UnknownNameError(f"unknown {self.kind} {name!r}; known: {known}")
        return self._entries[name]

    def names(self, with_plugins: bool = True) -> list[str]:
        self._load_builtins()
        if with_plugins:
            load_plugins()
        return sorted(self._entries)

    def __contains__(self, name: object) -> bool:
        self._load_builtins()
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())


# The registries of DESIGN.md. Built-in module lists are extended as parts land.
SANDBOXES: Registry = Registry("sandbox", ("chipsmith.sandbox.local", "chipsmith.sandbox.docker"))
TOOLS: Registry = Registry(
    "tool",
    (
        "chipsmith.tools.lint",
        "chipsmith.tools.simulate",
        "chipsmith.tools.synthesize",
        "chipsmith.tools.equivalence",
        "chipsmith.tools.knowledge_search",
        "chipsmith.tools.workspace_files",
        "chipsmith.tools.trace.tool",
        "chipsmith.tools.optimize.run",
    ),
)
AGENTS: Registry = Registry(
    "agent",
    (
        "chipsmith.benchmarks.controls",
        "chipsmith.agents.rtl",
        "chipsmith.agents.verify_agent",
        "chipsmith.agents.verify_controls",
        "chipsmith.agents.orchestrator",
        "chipsmith.agents.kernel",
        "chipsmith.agents.kernel_baseline",
        "chipsmith.agents.synth",
    ),
)
KERNEL_BACKENDS: Registry = Registry("kernel backend", ("chipsmith.tools.kernels.backends",))
SUITES: Registry = Registry(
    "suite",
    (
        "chipsmith.benchmarks.rtl_suites",
        "chipsmith.benchmarks.kernel_suites",
        "chipsmith.benchmarks.session_suite",
    ),
)
# Evaluators by task kind ("rtl", "kernel"): evaluate(task, candidate, sandbox) -> EvalResult.
EVALUATORS: Registry = Registry(
    "evaluator",
    (
        "chipsmith.benchmarks.rtl_eval",
        "chipsmith.benchmarks.kernel_eval",
        "chipsmith.benchmarks.tb_eval",
        "chipsmith.benchmarks.session_eval",
    ),
)
EXECUTORS: Registry = Registry("executor", ("chipsmith.benchmarks.executors",))
