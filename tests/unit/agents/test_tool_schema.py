"""Schemas from typed signatures: file contents become workspace paths, injected parameters vanish."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from chipsmith.agents.tooling.schema import ToolSpecError, build_spec, build_specs, visible_type
from helpers import require_module

pytestmark = pytest.mark.unit


def _params(spec):
    require_module("langchain_core")
    from chipsmith.agents.tooling.schema import model_parameters

    return model_parameters(spec)


def test_builtin_tools_expose_paths_not_contents_and_hide_injected():
    require_module("langchain_core")
    specs, skipped = build_specs()
    for name in ("lint", "simulate", "synthesize", "read_file", "write_file", "list_files", "apply_patch"):
        assert name in specs, skipped.get(name)
    lint = _params(specs["lint"])
    assert lint["required"] == ["sources"]
    assert lint["properties"]["sources"]["type"] == "array"
    assert lint["properties"]["sources"]["items"]["type"] == "string"
    assert "Workspace paths" in lint["properties"]["sources"]["description"]
    for spec in specs.values():
        props = _params(spec)["properties"]
        assert not {"sandbox", "settings", "workspace", "timeout_s"} & set(props), spec.name
    assert specs["lint"].injected == ("sandbox",)
    assert specs["read_file"].injected == ("workspace",)
    sim = _params(specs["simulate"])["properties"]
    assert (
        sim["data_files"]["anyOf"][0]["type"] == "array" and specs["simulate"].kinds["data_files"] == "files"
    )
    assert specs["synthesize"].kinds["liberty"] == "paths"


def test_descriptions_come_from_docstrings():
    specs, _ = build_specs(["read_file", "lint"])
    assert specs["read_file"].description.startswith("Read a text file of the workspace")
    assert "Args:" not in specs["read_file"].description
    field = specs["read_file"].model.model_fields["start_line"]
    assert field.description == "First line to show (1-based)."
    assert "`sources`" in specs["lint"].description  # reST ``x`` becomes Markdown `x`


def test_signature_line_uses_json_types():
    spec = build_spec("read_file", build_specs(["read_file"])[0]["read_file"].func)
    assert (
        spec.signature_line()
        == "read_file(path: string, start_line: integer = 1, end_line: integer | null = null)"
    )


def _needs_bytes(data: bytes, n: int = 1) -> int:
    """Needs raw bytes."""
    return n


def _kwargs_only(**kwargs: Any) -> None:
    """Untyped."""


def _optional_bytes(path: Path, blob: bytes | None = None, sandbox: Any = None) -> None:
    """Path plus a hidden optional."""


def test_tools_a_model_cannot_call_are_reported_not_offered():
    with pytest.raises(ToolSpecError, match="required parameter 'data' has no form"):
        build_spec("needs_bytes", _needs_bytes)
    with pytest.raises(ToolSpecError, match="only \\*\\*kwargs"):
        build_spec("kw", _kwargs_only)
    spec = build_spec("opt", _optional_bytes)
    assert list(spec.model.model_fields) == ["path"] and spec.kinds == {"path": "path"}
    assert spec.injected == ("sandbox",)


@pytest.mark.parametrize(
    ("tp", "kind"),
    [
        (dict[str, bytes], "files"),
        (dict[str, bytes] | None, "files"),
        (Mapping[str, bytes], "files"),
        (Path, "path"),
        (list[Path] | None, "paths"),
        (str, "value"),
        (int | None, "value"),
        (list[str], "value"),
    ],
)
def test_visible_type_kinds(tp, kind):
    shown = visible_type(tp)
    assert shown is not None and shown[0] == kind


def test_visible_type_refuses_bytes_and_arbitrary_objects():
    assert visible_type(bytes) is None
    assert visible_type(bytes | None) is None
    assert visible_type(type(pytest)) is None  # a module object has no JSON schema


def test_string_bounds_and_lone_path_coercion():
    spec = build_specs(["lint"])[0]["lint"]
    assert spec.model.model_validate({"sources": "a.v"}).sources == ["a.v"]
    with pytest.raises(Exception, match="at most 4096 characters"):
        spec.model.model_validate({"sources": ["x" * 5000]})
    with pytest.raises(Exception, match="Extra inputs"):
        spec.model.model_validate({"sources": ["a.v"], "sandbox": "docker"})


def test_parameters_are_what_langchain_sends():
    require_module("langchain_core")
    from langchain_core.utils.function_calling import convert_to_openai_tool

    from chipsmith.agents.tooling.lc import make_tool

    spec = build_specs(["simulate"])[0]["simulate"]
    tool = make_tool(None, spec)  # type: ignore[arg-type]
    sent = convert_to_openai_tool(tool)["function"]
    assert sent["name"] == "simulate"
    assert sent["parameters"] == _params(spec)
    assert sent["description"] == spec.description


def test_the_waveform_tracer_is_offered_with_workspace_paths():
    require_module("chipsmith.tools.trace.tool")
    import chipsmith.tools.trace.tool  # noqa: F401  (registers trace_mismatch if TOOLS does not list it yet)
    from chipsmith.agents.tooling.render import render
    from chipsmith.tools.trace.models import TraceReport

    spec = build_specs(["trace_mismatch"])[0]["trace_mismatch"]
    assert spec.kinds["sources"] == "files" and spec.kinds["reference"] == "files"
    assert spec.injected == ("sandbox",) and "timeout_s" not in spec.model.model_fields
    shown = render("trace_mismatch", TraceReport(status="error", message="no source files given"))
    assert (shown.text, shown.status, shown.verdict) == ("trace: no source files given", "fail", "error")
