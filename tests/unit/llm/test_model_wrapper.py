"""The wrapper every agent gets: protocols, metering, cache, budgets, scripted replay and labels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import tool
from pydantic import Field

from chipsmith.config import Settings
from chipsmith.llm.budget import Budget, BudgetTracker
from chipsmith.llm.cache import SqliteCache
from chipsmith.llm.chat import ChipsmithChatModel
from chipsmith.llm.errors import BudgetExceeded, ModelSpecError, ScriptExhaustedError
from chipsmith.llm.handle import open_model
from chipsmith.llm.ledger import Ledger
from chipsmith.llm.meter import Meter, MeterCallback
from chipsmith.llm.prices import ModelPrice

pytestmark = pytest.mark.unit


@tool
def read_file(path: str) -> str:
    """Read a file from the workspace."""
    return f"contents of {path}"


class Recorder(GenericFakeChatModel):
    """A fake provider that remembers what it was sent."""

    seen: list[tuple[list[BaseMessage], dict[str, Any]]] = Field(default_factory=list)

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **kw: Any
    ) -> Any:
        self.seen.append((messages, kw))
        return super()._generate(messages, stop=stop, run_manager=run_manager, **kw)


def _model(replies: list[Any], *, protocol: str = "native", cache: Any = False, budget: Budget | None = None,
           price: ModelPrice | None = None) -> tuple[ChipsmithChatModel, Recorder, Ledger]:  # fmt: skip
    inner = Recorder(messages=iter(replies))
    ledger = Ledger()
    meter = Meter("openai:test", ledger=ledger, tracker=BudgetTracker(budget), price=price)
    model = ChipsmithChatModel(
        inner=inner, spec_text="openai:test", protocol=protocol, params={"model": "test"},  # type: ignore[arg-type]
        meter=meter, cache=cache, callbacks=[MeterCallback(meter)],
    )  # fmt: skip
    return model, inner, ledger


def test_native_protocol_passes_tools_to_the_provider() -> None:
    call = {"name": "read_file", "args": {"path": "a.v"}, "id": "c1", "type": "tool_call"}
    model, inner, ledger = _model([AIMessage(content="", tool_calls=[call])])
    reply = model.bind_tools([read_file]).invoke("read a.v")
    assert reply.tool_calls[0]["args"] == {"path": "a.v"}
    (_, kwargs) = inner.seen[0]
    assert kwargs["tools"][0]["function"]["name"] == "read_file"
    assert ledger.summary().model_calls == 1


def test_text_protocol_renders_tools_and_parses_actions() -> None:
    model, inner, _ = _model(
        ['Reading it.\nACTION: read_file {"path": "spec.md"}\nACTION: nuke {}'], protocol="text"
    )
    reply = model.bind_tools([read_file]).invoke([SystemMessage("You design RTL."), HumanMessage("go")])
    assert [(c["name"], c["args"]) for c in reply.tool_calls] == [("read_file", {"path": "spec.md"})]
    assert "unknown tool 'nuke'" in reply.invalid_tool_calls[0]["error"]
    sent, kwargs = inner.seen[0]
    assert "tools" not in kwargs and "text_tools" not in kwargs
    assert isinstance(sent[0], SystemMessage)
    assert sent[0].text.startswith("You design RTL.") and "ACTION: read_file" in sent[0].text
    assert "Read a file from the workspace." in sent[0].text


def test_text_protocol_history_is_plain_chat() -> None:
    model, inner, _ = _model(["done"], protocol="text")
    native_turn = AIMessage(
        content="", tool_calls=[{"name": "read_file", "args": {"path": "a.v"}, "id": "c9"}]
    )
    history = [HumanMessage("go"), native_turn, ToolMessage("module a; endmodule", tool_call_id="c9")]
    model.bind_tools([read_file]).invoke(history)
    sent, _ = inner.seen[0]
    assert [type(m).__name__ for m in sent] == ["SystemMessage", "HumanMessage", "AIMessage", "HumanMessage"]
    assert sent[2].text == 'ACTION: read_file {"path": "a.v"}'
    assert sent[3].text == "OBSERVATION (read_file):\nmodule a; endmodule"


def test_cache_hit_makes_no_call_and_costs_nothing(tmp_path: Path) -> None:
    cache = SqliteCache(tmp_path / "c.sqlite")
    usage = {"input_tokens": 1000, "output_tokens": 100, "total_tokens": 1100}
    price = ModelPrice(input=1.0, output=2.0)
    model, inner, ledger = _model([AIMessage(content="a", usage_metadata=usage)], cache=cache, price=price)
    first, second = model.invoke("q"), model.invoke("q")
    assert first.text == second.text == "a" and len(inner.seen) == 1
    fresh, hit = ledger.records
    assert (fresh.cached, hit.cached, hit.cost_usd) == (False, True, 0.0)
    assert fresh.cost_usd == pytest.approx((1000 * 1 + 100 * 2) / 1e6)
    summary = ledger.summary()
    assert (summary.model_calls, summary.cached_calls, summary.input_tokens) == (1, 1, 1000)


def test_a_rerun_of_a_conversation_is_served_from_the_cache(tmp_path: Path) -> None:
    """Turn 2's prompt holds turn 1's reply; a cached copy of that reply must key the same."""
    call = {"name": "read_file", "args": {"path": "a.v"}, "id": "c1", "type": "tool_call"}
    usage = {"input_tokens": 5, "output_tokens": 5, "total_tokens": 10}
    replies = [AIMessage(content="", tool_calls=[call], usage_metadata=usage), AIMessage(content="fixed")]

    def run(model: ChipsmithChatModel) -> str:
        bound = model.bind_tools([read_file])
        first = bound.invoke([HumanMessage("fix it")])
        tool_result = ToolMessage("module a; endmodule", tool_call_id=first.tool_calls[0]["id"])
        return str(bound.invoke([HumanMessage("fix it"), first, tool_result]).text)

    cache = SqliteCache(tmp_path / "c.sqlite")
    model, inner, _ = _model(list(replies), cache=cache)
    assert run(model) == "fixed" and len(inner.seen) == 2
    again, inner2, ledger2 = _model([], cache=cache)  # an empty script: any real call would fail
    assert run(again) == "fixed" and inner2.seen == []
    assert ledger2.summary().cached_calls == 2 and ledger2.summary().model_calls == 0


def test_budget_stops_before_the_call() -> None:
    model, inner, ledger = _model(["one", "two"], budget=Budget(max_model_calls=1))
    model.invoke("q1")
    with pytest.raises(BudgetExceeded, match="model-call budget"):
        model.invoke("q2")
    assert len(inner.seen) == 1 and len(ledger.records) == 1  # refused, not recorded as a call


def _script(tmp_path: Path, text: str, name: str = "replies.yaml") -> str:
    path = tmp_path / name
    path.write_text(text)
    return f"scripted:{path}"


def _settings(tmp_path: Path) -> Settings:
    return Settings(home=tmp_path / ".chipsmith")


def test_scripted_replay_is_labelled_everywhere(tmp_path: Path) -> None:
    spec = _script(
        tmp_path,
        "replies:\n  - content: reading\n    tool_calls: [{name: read_file, args: {path: a.v}}]\n"
        '    usage: {input_tokens: 12, output_tokens: 3}\n  - "```\\ny = a AND b;\\n```"\n',
    )
    handle = open_model(spec, settings=_settings(tmp_path), cache=False, agent="rtl")
    assert not handle.is_real and "not a real model" in handle.label and handle.notice
    bound = handle.model.bind_tools([read_file])
    assert bound.invoke("go").tool_calls[0]["args"] == {"path": "a.v"}
    assert "y = a AND b;" in bound.invoke("go").text
    with pytest.raises(ScriptExhaustedError, match="all 2 replies used"):
        bound.invoke("go")
    records = handle.ledger.records
    assert all(not r.real and r.model == spec and r.agent == "rtl" for r in records)
    assert records[0].input_tokens == 12 and records[-1].error is not None
    assert handle.usage().all_real is False


def test_for_agent_shares_ledger_budget_and_script(tmp_path: Path) -> None:
    spec = _script(tmp_path, '["plan", "testbench"]', "s.json")
    rtl = open_model(
        spec, settings=_settings(tmp_path), cache=False, agent="rtl", budget=Budget(max_model_calls=2)
    )
    verify = rtl.for_agent("verify")
    assert rtl.model.invoke("a").text == "plan" and verify.model.invoke("b").text == "testbench"
    assert set(rtl.ledger.by_agent()) == {"rtl", "verify"} and verify.budget is rtl.budget
    with pytest.raises(BudgetExceeded):
        verify.model.invoke("c")


def test_tool_call_hook_charges_and_records(tmp_path: Path) -> None:
    handle = open_model(_script(tmp_path, '["x"]', "s.json"), settings=_settings(tmp_path), cache=False,
                        budget=Budget(max_tool_calls=1))  # fmt: skip
    handle.charge_tool_call("lint")
    with pytest.raises(BudgetExceeded, match="tool-call budget"):
        handle.charge_tool_call("simulate")
    assert handle.usage().tool_calls == 1


def test_samples_with_other_seeds_are_other_cache_entries(tmp_path: Path) -> None:
    spec = _script(tmp_path, '["first", "second", "third"]', "s.json")
    handle = open_model(spec, settings=_settings(tmp_path), seed=0)
    assert handle.model.invoke("q").text == "first"
    assert handle.model.invoke("q").text == "first"  # same seed: from the cache
    assert handle.derive(seed=1).model.invoke("q").text == "second"
    assert handle.ledger.summary().cached_calls == 1


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (None, "No such file"),
        ("replies: [", "not valid YAML/JSON"),
        ("replies: []", "non-empty list"),
        ("- ok\n- {content: x, tool_calls: [{args: {}}]}", "reply 2: tool_calls.0.name: Field required"),
        ("- [1, 2]", "reply 1: reply: Input should be"),
    ],
)
def test_bad_scripts_are_one_line_errors(tmp_path: Path, content: str | None, needle: str) -> None:
    path = tmp_path / "bad.yaml"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ModelSpecError) as err:
        open_model(f"scripted:{path}", settings=_settings(tmp_path), cache=False)
    assert needle in str(err.value) and "\n" not in str(err.value)


def test_openai_needs_a_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    with pytest.raises(ModelSpecError, match="needs OPENAI_API_KEY"):
        open_model("openai:gpt-4o-mini", settings=_settings(tmp_path), cache=False)


def test_budget_and_cache_come_from_settings(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "h", budget_model_calls=1, llm_cache=False)
    handle = open_model(_script(tmp_path, '["a", "b"]', "s.json"), settings=settings)
    assert handle.model.cache is False
    handle.model.invoke("q")
    with pytest.raises(BudgetExceeded):
        handle.model.invoke("q")
