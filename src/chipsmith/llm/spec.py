"""Model specs: the strings users write (``openai:gpt-4o-mini``, ``local``, ...) parsed into data.

Pure: no network, no imports of model libraries.

- ``openai:<model>``: the OpenAI API (``OPENAI_API_KEY``).
- ``openai-compatible:<model>@<base_url>``: vLLM, Ollama, llama.cpp server, LiteLLM. The model
  name may itself contain ``:`` (``qwen2.5-coder:1.5b``); the base URL starts at the last
  ``@http``. Without ``@<base_url>`` the ``openai_base_url`` setting is used.
- ``local``: the embedded model served on loopback (see ``chipsmith.llm.local_server``).
- ``scripted:<file>``: replies replayed from a YAML/JSON file; tests and offline demos only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel

from chipsmith.llm.errors import ModelSpecError

Kind = Literal["openai", "openai-compatible", "local", "scripted"]
Protocol = Literal["native", "text"]

DEFAULT_SPEC = "local"
_URL_AT = re.compile(r"@(https?://\S+)$")


class ModelSpec(BaseModel):
    """A parsed model spec."""

    kind: Kind
    model: str
    """Model name sent to the server (for ``scripted``: the script path)."""
    base_url: str | None = None

    @property
    def text(self) -> str:
        """The canonical spec string (what records and labels show)."""
        if self.kind == "local":
            return "local"
        if self.kind == "openai-compatible":
            return f"openai-compatible:{self.model}@{self.base_url}"
        return f"{self.kind}:{self.model}"

    @property
    def is_real(self) -> bool:
        """False only for scripted replay: its replies come from a file, not a model."""
        return self.kind != "scripted"


def parse_spec(spec: str | None, *, default_base_url: str | None = None) -> ModelSpec:
    """Parse ``spec`` (None or empty means ``local``); ModelSpecError says what is wrong."""
    text = (spec or DEFAULT_SPEC).strip()
    if text == "local":
        return ModelSpec(kind="local", model="local")
    kind, sep, rest = text.partition(":")
    rest = rest.strip()
    if not sep or kind not in ("openai", "openai-compatible", "scripted"):
        raise ModelSpecError(
            f"unknown model spec {text!r}; use openai:<model>, openai-compatible:<model>@<url>, "
            "local or scripted:<file>"
        )
    if not rest:
        raise ModelSpecError(f"model spec {text!r} names no model after {kind!r}:")
    if kind != "openai-compatible":
        return ModelSpec(kind=kind, model=rest)  # type: ignore[arg-type]
    return _parse_compatible(text, rest, default_base_url)


def _parse_compatible(text: str, rest: str, default_base_url: str | None) -> ModelSpec:
    match = _URL_AT.search(rest)
    model, url = (rest[: match.start()], match.group(1)) if match else (rest, default_base_url)
    if not model:
        raise ModelSpecError(f"model spec {text!r} names no model before '@'")
    if not url:
        raise ModelSpecError(
            f"model spec {text!r} has no server URL; write openai-compatible:{model}@http://HOST:PORT/v1 "
            "or set CHIPSMITH_OPENAI_BASE_URL"
        )
    return ModelSpec(kind="openai-compatible", model=model, base_url=url.rstrip("/"))


def resolve_protocol(
    spec: ModelSpec, table: Mapping[str, Protocol], override: Protocol | None = None
) -> Protocol:
    """``override``, else ``table`` (the ``llm_protocols`` setting, by spec or model name), else
    ``text`` for ``local`` (a 135M model has no tool calling) and ``native`` otherwise."""
    if override is not None:
        return override
    for key in (spec.text, spec.model):
        if key in table:
            return table[key]
    return "text" if spec.kind == "local" else "native"
