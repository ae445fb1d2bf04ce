"""Tool results as compact, bounded, deterministic text for a model.

A renderer is chosen by tool name, then by the result's class (its module-qualified name, along
the MRO), then a result's own ``agent_text()`` method, then a generic fallback (fields as compact
JSON, without ``wall_s`` and ``log``, bytes shown as their size). Every text then loses volatile
parts (sandbox work-dir paths, wall times that tools print) and is cut to a bound, so the same call
on the same files shows the same text: the response cache keyed on messages depends on it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any, Literal, NamedTuple

from pydantic import BaseModel

Status = Literal["ok", "fail"]
FIELD_CHARS = 2000
"""Longest string field the generic renderer shows."""
_DROP_FIELDS = {"wall_s", "log"}


class Rendered(NamedTuple):
    text: str
    status: Status
    """``fail``: the tool ran and its verdict is negative (lint errors, a mismatch...)."""
    verdict: str
    """A few words for event streams: ``pass``, ``3 errors``, ``wrote 12 lines``."""
    errors: tuple[str, ...] = ()
    """Error lines to look up in the error knowledge (failures only)."""


Renderer = Callable[[Any], Rendered]
_RENDERERS: dict[str, Renderer] = {}


def renderer(key: str) -> Callable[[Renderer], Renderer]:
    """Decorator: render results of tool ``key``, or of class ``key`` (``package.module.Class``)."""

    def deco(fn: Renderer) -> Renderer:
        _RENDERERS[key] = fn
        return fn

    return deco


def _class_keys(result: Any) -> list[str]:
    return [f"{c.__module__}.{c.__qualname__}" for c in type(result).__mro__]


def render(tool: str, result: Any) -> Rendered:
    """The model's view of ``result`` from ``tool`` (not yet scrubbed or bounded)."""
    from chipsmith.agents.tooling import _renderers  # noqa: F401  (registers the built-ins)

    for key in [tool, *_class_keys(result)]:
        if key in _RENDERERS:
            return _RENDERERS[key](result)
    if callable(getattr(result, "agent_text", None)):
        return Rendered(str(result.agent_text()), _status_of(result), "done")
    return generic(result)


def _status_of(result: Any) -> Status:
    for attr in ("ok", "passed", "applied"):
        if getattr(result, attr, None) is False:
            return "fail"
    return "ok"


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, str):
        return (
            value
            if len(value) <= FIELD_CHARS
            else value[:FIELD_CHARS] + f" [... {len(value) - FIELD_CHARS} more]"
        )
    if isinstance(value, BaseModel):
        value = {k: v for k, v in value.__dict__.items() if k not in _DROP_FIELDS}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items() if k not in _DROP_FIELDS}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def generic(result: Any) -> Rendered:
    """Fallback: strings as they are, anything else as compact JSON of its plain fields."""
    if result is None:
        return Rendered("done", "ok", "done")
    if isinstance(result, str):
        return Rendered(result, "ok", "done")
    text = json.dumps(_plain(result), indent=1, ensure_ascii=False, default=str)
    status = _status_of(result)
    return Rendered(text, status, "done" if status == "ok" else "failed")


# Work dirs of the local (…/chipsmith-XXXX/run/) and docker (…/run-<12 hex>/) sandboxes.
_SANDBOX_DIR = re.compile(
    r"(?:/[^\s'\"`:]*)?/chipsmith-[\w]+/(?:run|tmp)/|(?:/[^\s'\"`:]*)?/run-[0-9a-f]{12}/"
)
_VOLATILE_LINES = re.compile(
    r"^.*(?:walltime|Walltime|CPU: user|Logfile hash|Time spent:|- V e r i l a t i o n|"
    r"- S i m u l a t i o n\s+R e p o r t).*\n?",
    re.M,
)


def scrub(text: str, roots: tuple[str, ...] = ()) -> str:
    """Pure: ``text`` without sandbox work-dir paths, the workspace root, and wall-time lines."""
    for root in roots:
        text = text.replace(root.rstrip("/") + "/", "")
    return _VOLATILE_LINES.sub("", _SANDBOX_DIR.sub("", text))


def bound(text: str, limit: int) -> str:
    """Pure: ``text`` cut to ``limit`` characters, keeping its head and tail (errors sit at both ends)."""
    if len(text) <= limit:
        return text
    marker = "\n[... {n} characters left out ...]\n"
    keep = max(0, limit - len(marker) - 8)
    head = keep * 2 // 3
    tail = keep - head
    cut = len(text) - head - tail
    return text[:head] + marker.format(n=cut) + (text[-tail:] if tail else "")
