"""Model specs: parsing, canonical text, errors, protocol choice."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipsmith.llm.errors import ModelSpecError
from chipsmith.llm.spec import parse_spec, resolve_protocol

pytestmark = pytest.mark.unit


def test_default_is_local() -> None:
    for spec in (None, "", "  local "):
        parsed = parse_spec(spec)
        assert (parsed.kind, parsed.text, parsed.is_real) == ("local", "local", True)


def test_openai_and_scripted() -> None:
    assert parse_spec("openai:gpt-4o-mini").model == "gpt-4o-mini"
    scripted = parse_spec("scripted:tests/replies.yaml")
    assert (scripted.kind, scripted.model, scripted.is_real) == ("scripted", "tests/replies.yaml", False)


def test_compatible_model_names_may_hold_colons_and_at_signs() -> None:
    parsed = parse_spec("openai-compatible:qwen2.5-coder:1.5b@http://gpu-node:11434/v1/")
    assert (parsed.model, parsed.base_url) == ("qwen2.5-coder:1.5b", "http://gpu-node:11434/v1")
    odd = parse_spec("openai-compatible:org@team/model@https://proxy.example/v1")
    assert (odd.model, odd.base_url) == ("org@team/model", "https://proxy.example/v1")
    assert odd.text == "openai-compatible:org@team/model@https://proxy.example/v1"


def test_compatible_falls_back_to_the_base_url_setting() -> None:
    parsed = parse_spec("openai-compatible:llama3", default_base_url="http://localhost:8000/v1")
    assert parsed.base_url == "http://localhost:8000/v1"


@pytest.mark.parametrize(
    ("spec", "needle"),
    [
        ("gpt-4o", "unknown model spec"),
        ("anthropic:claude", "unknown model spec"),
        ("openai:", "names no model"),
        ("openai-compatible:llama3", "has no server URL"),
        ("openai-compatible:@http://x/v1", "names no model before"),
        ("scripted:", "names no model"),
    ],
)
def test_bad_specs_are_one_line_errors(spec: str, needle: str) -> None:
    with pytest.raises(ModelSpecError) as err:
        parse_spec(spec)
    assert needle in str(err.value) and "\n" not in str(err.value)


def test_protocol_defaults_and_overrides() -> None:
    local, openai = parse_spec("local"), parse_spec("openai:gpt-4o")
    small = parse_spec("openai-compatible:qwen:0.5b@http://h/v1")
    assert resolve_protocol(local, {}) == "text"
    assert resolve_protocol(openai, {}) == "native"
    assert resolve_protocol(small, {"qwen:0.5b": "text"}) == "text"
    assert resolve_protocol(small, {small.text: "text"}) == "text"
    assert resolve_protocol(local, {}, override="native") == "native"


def test_model_settings_from_the_project_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from chipsmith.config import load_settings

    monkeypatch.chdir(tmp_path)
    for var in ("CHIPSMITH_MODEL", "CHIPSMITH_BUDGET_USD", "CHIPSMITH_LLM_PROTOCOLS", "CHIPSMITH_LLM_PRICES"):
        monkeypatch.delenv(var, raising=False)
    (tmp_path / "chipsmith.toml").write_text(
        'model = "openai-compatible:qwen2.5-coder:7b@http://localhost:11434/v1"\n'
        "budget_usd = 0.5\n"
        '[llm_protocols]\n"qwen2.5-coder:7b" = "text"\n'
        '[llm_prices."openai-compatible:qwen2.5-coder:7b"]\ninput = 0.1\noutput = 0.3\n'
    )
    settings = load_settings()
    spec = parse_spec(settings.model)
    assert resolve_protocol(spec, settings.llm_protocols) == "text"
    assert settings.llm_prices["openai-compatible:qwen2.5-coder:7b"].output == 0.3
    assert settings.budget_usd == 0.5
