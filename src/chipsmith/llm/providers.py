"""Provider chat models for each kind of spec (the ``inner`` model the wrapper drives).

Retries: the openai client's own (``max_retries``): exponential backoff from 0.5 s up to 8 s with
jitter, honouring ``Retry-After``/``retry-after-ms``, on connection errors, timeouts, 408, 409,
429 and 5xx. The loopback tests prove each case over real HTTP. ``llm_timeout_s`` bounds each
attempt; for ``local`` there is one attempt, so it bounds the whole call.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel

from chipsmith.config import Settings
from chipsmith.llm.errors import ModelSpecError
from chipsmith.llm.spec import ModelSpec

LOCAL_MAX_TOKENS = 512
"""Reply cap for the embedded model: left alone it repeats a line until the context is full."""


def reply_params(
    spec: ModelSpec,
    settings: Settings,
    temperature: float | None,
    seed: int | None,
    max_tokens: int | None,
    local_model: Path | None = None,
) -> dict[str, Any]:
    """Model identity and sampling parameters: what the wrapper puts in its cache key.

    For ``local`` the identity is the GGUF file's name, not the server's port (which changes).
    """
    if max_tokens is None:
        max_tokens = settings.llm_max_tokens or (LOCAL_MAX_TOKENS if spec.kind == "local" else None)
    model = local_model.stem if spec.kind == "local" and local_model else spec.model
    params = {"model": model, "base_url": spec.base_url, "temperature": temperature, "seed": seed}
    return {**params, "max_tokens": max_tokens}


def build_inner(
    spec: ModelSpec, settings: Settings, params: dict[str, Any], *, streaming: bool, base_url: str | None
) -> BaseChatModel:
    """The provider's chat model for ``spec``; ``base_url`` is the server (``local``: the loopback one)."""
    if spec.kind == "scripted":
        from chipsmith.llm.scripted import ScriptedChatModel

        return ScriptedChatModel.from_file(Path(spec.model))
    return _openai_model(spec, settings, params, streaming, base_url)


def _api_key(spec: ModelSpec) -> str:
    key = os.environ.get("OPENAI_API_KEY")
    if key:
        return key
    if spec.kind == "openai":
        raise ModelSpecError(
            f"{spec.text} needs OPENAI_API_KEY; export it, or pick another model with --model / "
            "CHIPSMITH_MODEL (e.g. local)"
        )
    return "not-needed"  # local servers ignore the key, but the client insists on one


def _openai_model(
    spec: ModelSpec, settings: Settings, params: dict[str, Any], streaming: bool, base_url: str | None
) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    kwargs: dict[str, Any] = {
        "model": params["model"],
        "api_key": _api_key(spec),
        "timeout": settings.llm_timeout_s,
        # The embedded server answers one request at a time and finishes a reply whose client gave
        # up, so a retry only queues behind the abandoned one: 4 attempts of llm_timeout_s plus
        # backoff were an 8-minute stall on a loaded machine. One attempt, one line when it times out.
        "max_retries": 0 if spec.kind == "local" else settings.llm_max_retries,
        "streaming": streaming,
        # Usage in streamed replies; servers without it (llama.cpp) just send none.
        "stream_usage": True,
        "cache": False,  # the wrapper caches
    }
    if base_url:
        kwargs["base_url"] = base_url
    for name in ("temperature", "seed"):
        if params.get(name) is not None:
            kwargs[name] = params[name]
    if params.get("max_tokens") is not None:
        if spec.kind == "openai":
            kwargs["max_tokens"] = params["max_tokens"]
        else:
            # ChatOpenAI sends its max_tokens as max_completion_tokens, which llama.cpp's server
            # ignores (measured: a 200-token cap produced 4,052 tokens); max_tokens is understood
            # by every OpenAI-compatible server.
            kwargs["extra_body"] = {"max_tokens": params["max_tokens"]}
    return ChatOpenAI(**kwargs)
