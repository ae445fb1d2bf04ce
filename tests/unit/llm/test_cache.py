"""The SQLite response cache: keys, round trips, several processes, a broken file."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from langchain_core.load import dumps
from langchain_core.messages import AIMessage, HumanMessage
from langchain_core.outputs import ChatGeneration

from chipsmith.llm.cache import SqliteCache, cache_key
from chipsmith.llm.errors import LLMError

pytestmark = pytest.mark.unit


def _prompt(*messages: object) -> str:
    return dumps(list(messages))


def test_key_ignores_per_call_noise_but_not_content() -> None:
    turn = AIMessage(content="hi", tool_calls=[{"name": "lint", "args": {"f": "a.v"}, "id": "c1"}])
    noisy = turn.model_copy(
        update={
            "id": "run-1",
            "response_metadata": {"x": 1},
            "usage_metadata": {"input_tokens": 1, "output_tokens": 2, "total_tokens": 3},
        }
    )
    base = cache_key(_prompt(HumanMessage("q"), turn), "model=a")
    assert cache_key(_prompt(HumanMessage("q"), noisy), "model=a") == base
    assert cache_key(_prompt(HumanMessage("q2"), turn), "model=a") != base
    assert cache_key(_prompt(HumanMessage("q"), turn), "model=a temperature=1") != base
    other_call = turn.model_copy(update={"tool_calls": [{"name": "lint", "args": {"f": "b.v"}, "id": "c1"}]})
    assert cache_key(_prompt(HumanMessage("q"), other_call), "model=a") != base
    assert cache_key("not json", "m") != cache_key("not json!", "m")


def test_round_trip_keeps_tool_calls_and_usage(tmp_path: Path) -> None:
    cache = SqliteCache(tmp_path / "c.sqlite")
    msg = AIMessage(
        content="x",
        tool_calls=[{"name": "sim", "args": {"top": "tb"}, "id": "call_1", "type": "tool_call"}],
        invalid_tool_calls=[
            {"name": "sim", "args": "{", "id": "call_2", "error": "bad", "type": "invalid_tool_call"}
        ],
        usage_metadata={"input_tokens": 3, "output_tokens": 4, "total_tokens": 7},
    )
    assert cache.lookup("p", "m") is None
    cache.update("p", "m", [ChatGeneration(message=msg)])
    (got,) = SqliteCache(tmp_path / "c.sqlite").lookup("p", "m") or []
    assert isinstance(got, ChatGeneration) and isinstance(got.message, AIMessage)
    assert got.message.tool_calls == msg.tool_calls
    assert got.message.invalid_tool_calls == msg.invalid_tool_calls
    assert got.message.usage_metadata == msg.usage_metadata
    assert cache.entries() == 1
    cache.clear()
    assert cache.entries() == 0


_inherited: SqliteCache | None = None


def _writer(worker: int) -> int:
    # The parent's cache object, inherited across fork with its open connection: it must reconnect.
    assert _inherited is not None
    for i in range(40):
        _inherited.update(f"p{worker}-{i}", "m", [ChatGeneration(message=AIMessage(content=f"{worker}-{i}"))])
        assert _inherited.lookup(f"p{worker}-{i}", "m") is not None
    return _inherited.entries()


def test_several_processes_share_one_file(tmp_path: Path) -> None:
    global _inherited
    path = tmp_path / "shared.sqlite"
    _inherited = SqliteCache(path)
    _inherited.update("warm", "m", [ChatGeneration(message=AIMessage(content="w"))])
    with multiprocessing.get_context("fork").Pool(3) as pool:
        pool.map(_writer, range(3))
    cache = SqliteCache(path)
    assert cache.entries() == 1 + 3 * 40
    (gen,) = cache.lookup("p2-39", "m") or []
    assert gen.text == "2-39"
    assert _inherited.lookup("p0-0", "m") is not None  # the parent's connection still works


def test_a_broken_file_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "broken.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(LLMError) as err:
        SqliteCache(path).lookup("p", "m")
    assert "--no-cache" in str(err.value) and "\n" not in str(err.value)
