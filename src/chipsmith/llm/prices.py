"""Prices per million tokens, and the cost of one call. Unknown price -> cost None, never 0.

The defaults are OpenAI's list prices (USD per 1M tokens) as published in 2025; prices change,
so a project overrides or extends them in ``chipsmith.toml``::

    [llm_prices."openai:gpt-4o-mini"]
    input = 0.15
    output = 0.60
    cached_input = 0.075

Keys are a spec (``openai-compatible:qwen2.5-coder@http://gpu:8000/v1``), ``<kind>:<model>``,
or, for the OpenAI API only, a bare model name. ``local`` and ``scripted`` are free.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import BaseModel

from chipsmith.llm.spec import ModelSpec


class ModelPrice(BaseModel):
    """USD per 1M tokens."""

    input: float
    output: float
    cached_input: float | None = None
    """Price of prompt tokens served from the provider's prompt cache; default: ``input``."""


FREE = ModelPrice(input=0.0, output=0.0)

DEFAULT_PRICES: dict[str, ModelPrice] = {
    name: ModelPrice(input=i, output=o, cached_input=c)
    for name, i, o, c in [
        ("gpt-4o-mini", 0.15, 0.60, 0.075),
        ("gpt-4o", 2.50, 10.00, 1.25),
        ("gpt-4.1", 2.00, 8.00, 0.50),
        ("gpt-4.1-mini", 0.40, 1.60, 0.10),
        ("gpt-4.1-nano", 0.10, 0.40, 0.025),
        ("o4-mini", 1.10, 4.40, 0.275),
        ("gpt-5", 1.25, 10.00, 0.125),
        ("gpt-5-mini", 0.25, 2.00, 0.025),
        ("gpt-5-nano", 0.05, 0.40, 0.005),
    ]
}


def price_for(spec: ModelSpec, table: Mapping[str, ModelPrice]) -> ModelPrice | None:
    """The price of ``spec``: free for local/scripted, else looked up in ``table``; None if unknown."""
    if spec.kind in ("local", "scripted"):
        return FREE
    keys = [spec.text, f"{spec.kind}:{spec.model}"] + ([spec.model] if spec.kind == "openai" else [])
    for key in keys:
        if key in table:
            return table[key]
    return None


def call_cost(
    price: ModelPrice | None, input_tokens: int, output_tokens: int, cache_read_tokens: int = 0
) -> float | None:
    """USD for one call; None when the price is unknown."""
    if price is None:
        return None
    cached = min(cache_read_tokens, input_tokens)
    cached_rate = price.input if price.cached_input is None else price.cached_input
    usd = (input_tokens - cached) * price.input + cached * cached_rate + output_tokens * price.output
    return usd / 1_000_000
