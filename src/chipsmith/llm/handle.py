"""``open_model``: a model spec in, a ready LangChain chat model with chipsmith's metering out.

This is the model layer's one entry point for agents, sessions and bench runs::

    handle = open_model("openai:gpt-4o-mini", agent="rtl", budget=Budget(max_usd=0.50))
    reply = handle.model.bind_tools(tools).invoke(messages)   # AIMessage with tool_calls
    handle.usage()                                            # tokens, cost, calls so far
    sub = handle.for_agent("verify")                          # same ledger and budget

The runtime catches ``BudgetExceeded`` (raised before a call that would overspend) and saves.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chipsmith.config import Settings, load_settings
from chipsmith.llm.budget import Budget, BudgetTracker
from chipsmith.llm.chat import ChipsmithChatModel
from chipsmith.llm.ledger import Ledger, ToolCallRecord, UsageSummary
from chipsmith.llm.meter import Meter, MeterCallback
from chipsmith.llm.prices import DEFAULT_PRICES, price_for
from chipsmith.llm.spec import ModelSpec, Protocol, parse_spec, resolve_protocol
from chipsmith.llm.textproto import FileTool

SCRIPTED_NOTICE = "scripted replies replayed from a file: not a real model"

_caches: dict[Path, Any] = {}


class ModelHandle:
    """A chat model ready for an agent, with what a caller needs to know and report about it."""

    def __init__(self, spec: ModelSpec, model: ChipsmithChatModel, meter: Meter, notice: str | None) -> None:
        self.spec = spec
        self.model = model
        """The LangChain chat model (``bind_tools``, ``invoke``, ``with_config`` ...)."""
        self.meter = meter
        self.notice = notice
        """A line every output made with this model must show (local and scripted), else None."""

    @property
    def protocol(self) -> Protocol:
        return self.model.protocol

    @property
    def is_real(self) -> bool:
        return self.spec.is_real

    @property
    def agent(self) -> str:
        return self.meter.agent

    @property
    def ledger(self) -> Ledger:
        return self.meter.ledger

    @property
    def budget(self) -> BudgetTracker:
        return self.meter.tracker

    @property
    def label(self) -> str:
        """The spec, with the notice for a model that is not a capable real one."""
        return f"{self.spec.text} ({self.notice})" if self.notice else self.spec.text

    def usage(self) -> UsageSummary:
        """Totals of this handle's agent (``ledger.summary()`` for the whole session)."""
        return self.ledger.summary(self.agent)

    def charge_tool_call(self, tool: str) -> None:
        """The tool layer's hook (``Toolkit(charge=handle.charge_tool_call)``): call before running a
        tool; raises BudgetExceeded when the tool-call or time budget is spent, else records it."""
        self.budget.charge_tool_call(tool)
        self.ledger.add(ToolCallRecord(tool=tool, agent=self.agent))

    def for_agent(self, agent: str) -> ModelHandle:
        """The same model for another agent: shares ledger, budget, cache and (scripted) script."""
        return self.derive(agent=agent)

    def derive(
        self, *, agent: str | None = None, temperature: float | None = None, seed: int | None = None
    ) -> ModelHandle:
        """A sibling handle with another agent label, temperature and/or seed.

        Used for sampling several candidates: each seed is its own cache entry.
        """
        params = {"temperature": temperature, "seed": seed}
        meter = Meter(
            self.meter.model, ledger=self.ledger, tracker=self.budget, price=self.meter.price,
            agent=agent or self.agent, real=self.meter.real,
        )  # fmt: skip
        provider = {k: v for k, v in params.items() if v is not None}
        fields = type(self.model.inner).model_fields  # a scripted model has no temperature
        inner = self.model.inner.model_copy(update={k: v for k, v in provider.items() if k in fields})
        model = self.model.model_copy(
            update={"inner": inner, "params": {**self.model.params, **provider}, "meter": meter,
                    "callbacks": [MeterCallback(meter)]}
        )  # fmt: skip
        return ModelHandle(self.spec, model, meter, self.notice)


def _cache(settings: Settings, cache: Any) -> Any:
    """None/True: the shared SQLite cache under ``home`` (if enabled); False: none; else as given."""
    if cache is False or (cache is None and not settings.llm_cache):
        return False
    if cache is None or cache is True:
        from chipsmith.llm._paths import cache_path
        from chipsmith.llm.cache import SqliteCache

        path = cache_path(settings)
        if path not in _caches:
            _caches[path] = SqliteCache(path)
        return _caches[path]
    return cache


def _tracker(settings: Settings, budget: Budget | BudgetTracker | None) -> BudgetTracker:
    if isinstance(budget, BudgetTracker):
        return budget
    if budget is None:
        budget = Budget(
            max_tokens=settings.budget_tokens, max_usd=settings.budget_usd, max_wall_s=settings.budget_wall_s,
            max_model_calls=settings.budget_model_calls, max_tool_calls=settings.budget_tool_calls,
        )  # fmt: skip
    return BudgetTracker(budget)


def open_model(
    spec: str | None = None,
    *,
    settings: Settings | None = None,
    agent: str = "default",
    ledger: Ledger | None = None,
    budget: Budget | BudgetTracker | None = None,
    cache: Any = None,
    protocol: Protocol | None = None,
    temperature: float | None = None,
    seed: int | None = None,
    max_tokens: int | None = None,
    streaming: bool = False,
    file_tool: FileTool | None = None,
) -> ModelHandle:
    """Open the model ``spec`` (default: the ``model`` setting, else ``local``).

    ``cache``: None/True = the shared SQLite cache (unless ``llm_cache`` is off), False = none, or
    any LangChain ``BaseCache``. ``budget``: a Budget (a fresh tracker), a shared BudgetTracker, or
    None for the ``budget_*`` settings. Errors: ModelSpecError / LocalModelError, one line each.
    """
    from chipsmith.llm.providers import build_inner, reply_params

    settings = settings or load_settings()
    parsed = parse_spec(spec or settings.model, default_base_url=settings.openai_base_url)
    base_url, local_model, notice = parsed.base_url, None, None
    if parsed.kind == "local":
        from chipsmith.llm import local_server

        server = local_server.acquire(settings)
        base_url, local_model, notice = server.base_url, Path(server.model), local_server.NOTICE
    elif parsed.kind == "scripted":
        notice = SCRIPTED_NOTICE
    params = reply_params(parsed, settings, temperature, seed, max_tokens, local_model)
    inner = build_inner(parsed, settings, params, streaming=streaming, base_url=base_url)
    prices = {**DEFAULT_PRICES, **settings.llm_prices}
    meter = Meter(
        parsed.text, ledger=ledger if ledger is not None else Ledger(), tracker=_tracker(settings, budget),
        price=price_for(parsed, prices), agent=agent, real=parsed.is_real,
    )  # fmt: skip
    model = ChipsmithChatModel(
        inner=inner, spec_text=parsed.text, protocol=resolve_protocol(parsed, settings.llm_protocols, protocol),
        params=params, meter=meter, file_tool=file_tool, cache=_cache(settings, cache),
        callbacks=[MeterCallback(meter)],
    )  # fmt: skip
    return ModelHandle(parsed, model, meter, notice)
