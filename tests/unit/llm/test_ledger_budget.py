"""Prices, cost, the usage ledger and hard budgets."""

from __future__ import annotations

from pathlib import Path

import pytest

from chipsmith.llm.budget import Budget, BudgetTracker
from chipsmith.llm.errors import BudgetExceeded
from chipsmith.llm.ledger import Ledger, ModelCallRecord, ToolCallRecord, UsageSummary
from chipsmith.llm.prices import DEFAULT_PRICES, FREE, ModelPrice, call_cost, price_for
from chipsmith.llm.spec import parse_spec

pytestmark = pytest.mark.unit


def test_cost_known_unknown_and_prompt_cache() -> None:
    price = ModelPrice(input=2.0, output=8.0, cached_input=0.5)
    assert call_cost(price, 1_000_000, 0) == pytest.approx(2.0)
    assert call_cost(price, 1000, 500) == pytest.approx((1000 * 2 + 500 * 8) / 1e6)
    assert call_cost(price, 1000, 0, cache_read_tokens=400) == pytest.approx((600 * 2 + 400 * 0.5) / 1e6)
    assert call_cost(None, 1000, 500) is None


def test_price_lookup() -> None:
    assert price_for(parse_spec("local"), {}) == FREE
    assert price_for(parse_spec("scripted:x.yaml"), {}) == FREE
    assert price_for(parse_spec("openai:gpt-4o-mini"), DEFAULT_PRICES) == DEFAULT_PRICES["gpt-4o-mini"]
    assert price_for(parse_spec("openai:some-future-model"), DEFAULT_PRICES) is None
    vllm = parse_spec("openai-compatible:gpt-4o-mini@http://gpu:8000/v1")
    assert price_for(vllm, DEFAULT_PRICES) is None  # a bare name prices the OpenAI API only
    mine = ModelPrice(input=0.1, output=0.1)
    assert price_for(vllm, {"openai-compatible:gpt-4o-mini": mine}) == mine
    assert price_for(vllm, {vllm.text: mine}) == mine


def _call(**kw: object) -> ModelCallRecord:
    return ModelCallRecord(model="openai:m", **kw)  # type: ignore[arg-type]


def test_summary_counts_real_calls_and_keeps_unknown_cost_unknown() -> None:
    ledger = Ledger()
    ledger.add(_call(agent="rtl", input_tokens=100, output_tokens=20, cost_usd=0.01, wall_s=1.0))
    ledger.add(_call(agent="rtl", input_tokens=100, output_tokens=20, cost_usd=0.0, cached=True))
    ledger.add(_call(agent="verify", input_tokens=50, output_tokens=5, cost_usd=None))
    ledger.add(ToolCallRecord(tool="simulate", agent="rtl"))
    rtl = ledger.summary("rtl")
    assert (rtl.model_calls, rtl.cached_calls, rtl.tool_calls, rtl.total_tokens) == (1, 1, 1, 120)
    assert rtl.cost_usd == pytest.approx(0.01)
    total = ledger.summary()
    assert total.cost_usd is None and total.priced_cost_usd == pytest.approx(0.01)
    assert "unknown" in total.cost_text()
    assert set(ledger.by_agent()) == {"rtl", "verify"}
    assert (rtl + ledger.summary("verify")).model_dump() == total.model_dump()


def test_summaries_add_up_across_jobs() -> None:
    a = UsageSummary(model_calls=2, input_tokens=10, cost_usd=0.5, priced_cost_usd=0.5)
    b = UsageSummary(model_calls=1, input_tokens=5, cost_usd=0.25, priced_cost_usd=0.25, all_real=False)
    total = a + b
    assert (total.model_calls, total.input_tokens, total.all_real) == (3, 15, False)
    assert total.cost_usd == pytest.approx(0.75)


def test_ledger_file_survives_and_skips_a_torn_line(tmp_path: Path) -> None:
    path = tmp_path / "usage" / "ledger.jsonl"
    ledger = Ledger(path)
    ledger.add(_call(input_tokens=7, cost_usd=0.001))
    ledger.add(ToolCallRecord(tool="lint"))
    with path.open("a") as fh:
        fh.write('{"kind": "model", "model": "openai:m", "input_tok')  # a process killed mid-write
    again = Ledger.load(path)
    assert [r.kind for r in again.records] == ["model", "tool"]
    assert again.summary().input_tokens == 7


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_model_call_and_token_limits_stop_before_the_call() -> None:
    tracker = BudgetTracker(Budget(max_model_calls=2, max_tokens=1000))
    tracker.check_model_call("m", 100, None)
    tracker.charge_model_call(_call(input_tokens=400, output_tokens=100))
    with pytest.raises(BudgetExceeded) as err:
        tracker.check_model_call("m", 600, None)  # 500 used + 600 > 1000
    assert err.value.limit == "tokens" and "\n" not in str(err.value)
    tracker.charge_model_call(_call(input_tokens=10, output_tokens=10))
    with pytest.raises(BudgetExceeded) as err:
        tracker.check_model_call("m", 1, None)
    assert err.value.limit == "model_calls"


def test_cache_hits_are_not_charged() -> None:
    tracker = BudgetTracker(Budget(max_model_calls=1))
    tracker.charge_model_call(_call(input_tokens=10**6, cached=True))
    assert (tracker.model_calls, tracker.tokens) == (0, 0)
    tracker.check_model_call("m", 1, 0.0)


def test_usd_limit_and_unknown_price() -> None:
    tracker = BudgetTracker(Budget(max_usd=0.10))
    tracker.charge_model_call(_call(cost_usd=0.09))
    tracker.check_model_call("m", 10, 0.005)
    with pytest.raises(BudgetExceeded) as err:
        tracker.check_model_call("m", 10, 0.02)
    assert err.value.limit == "usd"
    with pytest.raises(BudgetExceeded, match="price of m is unknown"):
        tracker.check_model_call("m", 10, None)
    BudgetTracker(Budget()).check_model_call("m", 10, None)  # no USD limit: unknown price is fine


def test_wall_time_and_tool_calls() -> None:
    clock = Clock()
    tracker = BudgetTracker(Budget(max_wall_s=60, max_tool_calls=2), clock=clock)
    tracker.charge_tool_call("lint")
    tracker.charge_tool_call("simulate")
    with pytest.raises(BudgetExceeded, match="tool-call budget reached: 2 of 2 made"):
        tracker.charge_tool_call("simulate")
    assert tracker.tool_calls == 2
    clock.now += 61
    with pytest.raises(BudgetExceeded) as err:
        tracker.check_model_call("m", 1, None)
    assert err.value.limit == "wall_s"


def test_budget_unlimited_flag() -> None:
    assert Budget().unlimited and not Budget(max_tokens=5).unlimited
