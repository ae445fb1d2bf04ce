"""The real openai client path (openai SDK -> langchain-openai -> chipsmith.llm) over loopback HTTP."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from langchain_core.tools import tool

from chipsmith.config import Settings
from chipsmith.llm.errors import ModelCallError
from chipsmith.llm.handle import ModelHandle, open_model
from chipsmith.llm.prices import ModelPrice
from loopback_llm import (
    LoopbackLLM,
    big,
    malformed_tool_call,
    reply,
    slow,
    status,
    tool_call,
    tool_calls,
)

pytestmark = pytest.mark.integration


@tool
def read_file(path: str) -> str:
    """Read a file from the workspace."""
    return path


@tool
def simulate(top: str, seconds: int = 10) -> str:
    """Simulate a testbench."""
    return top


def _open(srv: LoopbackLLM, tmp_path: Path, **kw: object) -> ModelHandle:
    settings = Settings(home=tmp_path / ".chipsmith", llm_timeout_s=kw.pop("timeout", 10.0),
                        llm_max_retries=kw.pop("retries", 2), llm_prices=kw.pop("prices", {}))  # fmt: skip
    return open_model(srv.spec(), settings=settings, cache=kw.pop("cache", False), **kw)  # type: ignore[arg-type]


def test_reply_usage_and_unknown_cost(loopback_llm: LoopbackLLM, tmp_path: Path) -> None:
    loopback_llm.script(reply("module and_gate; endmodule", usage=(31, 7)))
    handle = _open(loopback_llm, tmp_path, temperature=0.2, seed=5, max_tokens=64)
    assert handle.model.invoke("write an AND gate").text == "module and_gate; endmodule"
    (rec,) = handle.ledger.records
    assert (rec.input_tokens, rec.output_tokens, rec.cached, rec.real) == (31, 7, False, True)
    assert rec.cost_usd is None and "unknown" in handle.usage().cost_text()  # no price: not $0
    body = loopback_llm.requests[0]["body"]
    assert (body["model"], body["temperature"], body["seed"]) == ("loopback-model", 0.2, 5)
    assert body["max_tokens"] == 64  # the name llama.cpp, vLLM and Ollama all read


def test_cost_from_the_price_table(loopback_llm: LoopbackLLM, tmp_path: Path) -> None:
    loopback_llm.script(reply("ok", usage=(1_000_000, 500_000)))
    handle = _open(
        loopback_llm, tmp_path, prices={"openai-compatible:loopback-model": ModelPrice(input=0.5, output=2.0)}
    )
    handle.model.invoke("q")
    assert handle.usage().cost_usd == pytest.approx(0.5 + 1.0)


def test_native_tool_calls(loopback_llm: LoopbackLLM, tmp_path: Path) -> None:
    loopback_llm.script(tool_calls([("read_file", {"path": "spec.md"}), ("simulate", {"top": "tb"})]))
    handle = _open(loopback_llm, tmp_path)
    msg = handle.model.bind_tools([read_file, simulate]).invoke("go")
    assert [(c["name"], c["args"]) for c in msg.tool_calls] == [
        ("read_file", {"path": "spec.md"}),
        ("simulate", {"top": "tb"}),
    ]
    sent = loopback_llm.requests[0]["body"]["tools"]
    assert [t["function"]["name"] for t in sent] == ["read_file", "simulate"]


def test_a_malformed_tool_call_becomes_an_invalid_tool_call(
    loopback_llm: LoopbackLLM, tmp_path: Path
) -> None:
    loopback_llm.script(malformed_tool_call("read_file"))
    msg = _open(loopback_llm, tmp_path).model.bind_tools([read_file]).invoke("go")
    assert msg.tool_calls == []
    (bad,) = msg.invalid_tool_calls
    assert bad["name"] == "read_file" and bad["args"] == '{"path": "a.v",' and bad["error"]


def test_429_then_success_is_retried_by_the_client(loopback_llm: LoopbackLLM, tmp_path: Path) -> None:
    loopback_llm.script(status(429, retry_after_ms=20), status(503, retry_after_ms=20), reply("fine"))
    handle = _open(loopback_llm, tmp_path)
    assert handle.model.invoke("q").text == "fine"
    assert [r["headers"]["x-stainless-retry-count"] for r in loopback_llm.requests] == ["0", "1", "2"]
    summary = handle.usage()
    assert (summary.model_calls, summary.failed_calls) == (1, 0)


def test_500_after_the_retries_is_one_line_and_recorded(loopback_llm: LoopbackLLM, tmp_path: Path) -> None:
    loopback_llm.script(*[status(500, retry_after_ms=10, message="upstream exploded")] * 2)
    handle = _open(loopback_llm, tmp_path, retries=1)
    with pytest.raises(ModelCallError) as err:
        handle.model.invoke("q")
    assert (
        "HTTP 500" in str(err.value) and "upstream exploded" in str(err.value) and "\n" not in str(err.value)
    )
    assert len(loopback_llm.requests) == 2
    assert handle.usage().failed_calls == 1


def test_a_slow_server_times_out_cleanly(loopback_llm: LoopbackLLM, tmp_path: Path) -> None:
    loopback_llm.script(slow(3.0), slow(3.0))
    handle = _open(loopback_llm, tmp_path, timeout=0.5, retries=1)
    start = time.monotonic()
    with pytest.raises(ModelCallError, match="timed out"):
        handle.model.invoke("q")
    assert time.monotonic() - start < 2.9  # two 0.5 s attempts and a short backoff, not the 3 s reply
    assert len(loopback_llm.requests) == 2


def test_streamed_reply_with_usage(loopback_llm: LoopbackLLM, tmp_path: Path) -> None:
    loopback_llm.script(reply("streamed words arrive in pieces", usage=(12, 5)))
    handle = _open(loopback_llm, tmp_path, streaming=True)
    msg = handle.model.invoke("q")
    assert msg.text == "streamed words arrive in pieces"
    body = loopback_llm.requests[0]["body"]
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}
    (rec,) = handle.ledger.records
    assert (rec.input_tokens, rec.output_tokens) == (12, 5)


def test_streamed_tool_call(loopback_llm: LoopbackLLM, tmp_path: Path) -> None:
    loopback_llm.script(tool_call("simulate", {"top": "tb", "seconds": 3}))
    msg = _open(loopback_llm, tmp_path, streaming=True).model.bind_tools([simulate]).invoke("q")
    assert msg.tool_calls[0]["args"] == {"top": "tb", "seconds": 3}


def test_a_200_kb_reply(loopback_llm: LoopbackLLM, tmp_path: Path) -> None:
    loopback_llm.script(big(200_000), big(200_000))
    assert len(_open(loopback_llm, tmp_path).model.invoke("q").text) == 200_000
    start = time.monotonic()
    msg = _open(loopback_llm, tmp_path, protocol="text").model.bind_tools([read_file]).invoke("q")
    assert len(msg.text) == 200_000 and msg.tool_calls == [] and time.monotonic() - start < 5


def test_text_protocol_over_http(loopback_llm: LoopbackLLM, tmp_path: Path) -> None:
    loopback_llm.script(reply('I will look first.\nACTION: read_file {"path": "spec.md"}'))
    handle = _open(loopback_llm, tmp_path, protocol="text")
    msg = handle.model.bind_tools([read_file]).invoke("go")
    assert msg.tool_calls[0]["args"] == {"path": "spec.md"}
    body = loopback_llm.requests[0]["body"]
    assert "tools" not in body and "ACTION: read_file" in body["messages"][0]["content"]


def test_the_cache_saves_the_second_request(loopback_llm: LoopbackLLM, tmp_path: Path) -> None:
    loopback_llm.script(reply("once", usage=(10, 2)))
    handle = _open(loopback_llm, tmp_path, cache=True)
    assert handle.model.invoke("q").text == "once"
    again = _open(loopback_llm, tmp_path, cache=True)  # a new process would open the same file
    assert again.model.invoke("q").text == "once"
    assert len(loopback_llm.requests) == 1
    assert again.usage().cached_calls == 1 and again.usage().model_calls == 0
    assert (tmp_path / ".chipsmith" / "llm-cache.sqlite").is_file()
