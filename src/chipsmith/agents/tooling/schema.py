"""From a registered tool function to the schema a model sees, and back to a call.

The schema is the function's typed signature and docstring, with three rewrites:

- file-content parameters (``dict[str, bytes]`` or ``Mapping[str, bytes]``, e.g. ``sources``)
  become ``list[str]`` of workspace paths, read through the Workspace at call time; ``Path``
  parameters become workspace paths resolved inside it;
- ``sandbox``, ``settings`` and ``workspace`` are injected by the toolkit and never shown;
- parameters a model cannot set sensibly (``timeout_s``, or types with no JSON form) are hidden and
  keep the function's default; a required one of those makes the tool unavailable to agents.

Plain ``str`` parameters get a length bound; a parameter that declares its own bound with
``Annotated[str, Field(max_length=...)]`` keeps it. Unknown arguments are refused.
"""

from __future__ import annotations

import inspect
import json
import re
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    create_model,
)

ParamKind = Literal["value", "files", "path", "paths"]
INJECTED = ("sandbox", "settings", "workspace")
HIDDEN = ("timeout_s",)
STR_MAX_CHARS = 4096
"""Bound on a plain string argument (names, queries); content arguments declare their own."""
MAX_PATHS = 200
DESCRIPTION_CHARS = 1200
_FILES_HELP = 'Workspace paths of the files to use, e.g. ["tb.v", "rtl/top.v"].'
_PATH_HELP = "A path relative to the workspace."


class ToolSpecError(ValueError):
    """A registered tool that cannot be offered to a model (one line: why)."""


@dataclass(frozen=True)
class ToolSpec:
    """One tool as agents see it."""

    name: str
    func: Callable[..., Any]
    description: str
    model: type[BaseModel]
    """Validates the arguments a model sends (the schema it sees)."""
    kinds: dict[str, ParamKind]
    injected: tuple[str, ...]

    def signature_line(self) -> str:
        """``name(a: string, b: integer = 5)`` for error messages (JSON types, as the model sees them)."""
        schema = self.model.model_json_schema()
        required = set(schema.get("required", []))
        parts = []
        for fname, prop in schema.get("properties", {}).items():
            default = "" if fname in required else f" = {json.dumps(prop.get('default'))}"
            parts.append(f"{fname}: {_json_type(prop)}{default}")
        return f"{self.name}({', '.join(parts)})"


def _json_type(prop: dict[str, Any]) -> str:
    if "anyOf" in prop:
        return " | ".join(_json_type(p) for p in prop["anyOf"])
    if prop.get("type") == "array":
        return f"array[{_json_type(prop.get('items', {}))}]"
    return str(prop.get("type", "any"))


def _one_to_list(value: Any) -> Any:
    """A lone path where a list is expected (a common small-model slip) becomes a one-item list."""
    return [value] if isinstance(value, str) else value


_BoundedStr = Annotated[str, StringConstraints(max_length=STR_MAX_CHARS)]
_PathList = Annotated[list[_BoundedStr], BeforeValidator(_one_to_list), Field(max_length=MAX_PATHS)]


def _hints(func: Callable[..., Any]) -> dict[str, Any]:
    try:
        return typing.get_type_hints(func, include_extras=True)
    except Exception:  # an annotation naming a TYPE_CHECKING-only import: degrade to Any
        return {}


def _split_optional(tp: Any) -> tuple[Any, bool]:
    args = typing.get_args(tp)
    if typing.get_origin(tp) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return (rest[0] if len(rest) == 1 else typing.Union[tuple(rest)]), True  # noqa: UP007
    return tp, False


def _has_own_bound(tp: Any) -> bool:
    return typing.get_origin(tp) is Annotated and any(
        getattr(m, "max_length", None) is not None
        or any(getattr(x, "max_length", None) is not None for x in getattr(m, "metadata", []))
        for m in typing.get_args(tp)[1:]
    )


def visible_type(tp: Any) -> tuple[ParamKind, Any] | None:
    """Pure: how a parameter of type ``tp`` is shown to a model, or None when it cannot be."""
    base, optional = _split_optional(tp)
    bare = typing.get_args(base)[0] if typing.get_origin(base) is Annotated else base
    origin, args = typing.get_origin(bare), typing.get_args(bare)
    kind: ParamKind = "value"
    shown: Any
    if origin in (dict, Mapping) and args == (str, bytes):
        kind, shown = "files", _PathList
    elif bare is Path:
        kind, shown = "path", _BoundedStr
    elif origin is list and args == (Path,):
        kind, shown = "paths", _PathList
    elif bare is str and not _has_own_bound(base):
        shown = _BoundedStr
    else:
        shown = base
        try:
            schema = TypeAdapter(shown).json_schema()
        except Exception:
            return None
        if "binary" in str(schema):  # bytes: no JSON form a model could write
            return None
    return kind, (shown | None if optional else shown)


def _param_docs(doc: str) -> tuple[str, dict[str, str]]:
    import docstring_parser

    parsed = docstring_parser.parse(doc, style=docstring_parser.DocstringStyle.GOOGLE)
    params = {p.arg_name: " ".join((p.description or "").split()) for p in parsed.params}
    text = parsed.description if params else doc
    text = re.sub(r"``([^`]+)``", r"`\1`", inspect.cleandoc(text or ""))
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n") if p.strip()]
    desc = "\n".join(paragraphs)
    return (desc if len(desc) <= DESCRIPTION_CHARS else desc[: DESCRIPTION_CHARS - 3] + "..."), params


def build_spec(name: str, func: Callable[..., Any]) -> ToolSpec:
    """The agent-facing spec of registered tool ``name``; ToolSpecError when it cannot be offered."""
    try:
        sig = inspect.signature(func)
    except (TypeError, ValueError):
        raise ToolSpecError(f"tool {name!r} has no inspectable signature") from None
    params = [p for p in sig.parameters.values() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    if not params and any(p.kind == p.VAR_KEYWORD for p in sig.parameters.values()):
        raise ToolSpecError(f"tool {name!r} takes only **kwargs; register a function with a typed signature")
    hints = _hints(func)
    description, docs = _param_docs(func.__doc__ or name)
    fields: dict[str, Any] = {}
    kinds: dict[str, ParamKind] = {}
    injected = []
    for p in params:
        if p.name in INJECTED:
            injected.append(p.name)
            continue
        shown = visible_type(hints.get(p.name, Any)) if p.name not in HIDDEN else None
        required = p.default is inspect.Parameter.empty
        if shown is None:
            if required:
                raise ToolSpecError(
                    f"tool {name!r}: required parameter {p.name!r} has no form a model can give"
                )
            continue
        kind, typ = shown
        help_text = docs.get(p.name) or {"files": _FILES_HELP, "paths": _FILES_HELP, "path": _PATH_HELP}.get(
            kind
        )
        default = ... if required else p.default
        fields[p.name] = (typ, Field(default=default, description=help_text))
        kinds[p.name] = kind
    model = create_model(f"{name}_arguments", __config__=ConfigDict(extra="forbid"), **fields)
    model.__doc__ = description
    return ToolSpec(name, func, description, model, kinds, tuple(injected))


def build_specs(
    names: list[str] | None = None, registry: Any = None
) -> tuple[dict[str, ToolSpec], dict[str, str]]:
    """Specs of the registered tools (all, or ``names``), and why any could not be offered.

    ``registry`` defaults to ``chipsmith.registry.TOOLS``.
    """
    if registry is None:
        from chipsmith.registry import TOOLS as registry

    specs: dict[str, ToolSpec] = {}
    skipped: dict[str, str] = {}
    for tool_name in names if names is not None else registry.names():
        try:
            specs[tool_name] = build_spec(tool_name, registry.get(tool_name))
        except ToolSpecError as exc:
            skipped[tool_name] = str(exc)
    return specs, skipped


def model_parameters(spec: ToolSpec) -> dict[str, Any]:
    """The JSON schema of the arguments exactly as LangChain sends it to a model."""
    from langchain_core.utils.function_calling import convert_to_openai_function

    return dict(convert_to_openai_function(spec.model)["parameters"])
