"""A loopback OpenAI-compatible chat server for tests: real HTTP on 127.0.0.1, scripted behaviours.

It drives the real client path (openai SDK -> langchain-openai -> chipsmith.llm) without a model or
a network. Each request to ``POST /v1/chat/completions`` takes the next scripted behaviour; when
the script is empty the ``default`` behaviour answers (None: HTTP 400 "script exhausted", which
the client does not retry, so a test notices). Reuse it for agent, session and web-app tests::

    from loopback_llm import LoopbackLLM, reply, tool_call, status

    with LoopbackLLM() as srv:                      # or the ``loopback_llm`` fixture
        srv.script(status(429), tool_call("read_file", {"path": "a.v"}), reply("done"))
        handle = open_model(srv.spec(), settings=Settings(home=tmp_path), cache=False)
        ...
        assert len(srv.requests) == 3               # every request: body, headers, path

Behaviours: ``reply(text)``, ``tool_call(name, args)`` / ``tool_calls([...])``,
``malformed_tool_call(name)`` (arguments that are not JSON), ``status(code, retry_after_ms=...)``
(429, 500, ...), ``slow(seconds, then)`` (a reply that comes too late for a short timeout),
``big(n_bytes)`` (a 200 KB reply by default) and ``dynamic(fn)`` (``fn(request_body) -> Behaviour``).
A request with ``"stream": true`` gets the same reply as server-sent events, with a usage chunk
when ``stream_options.include_usage`` asks for one. ``usage=(input, output)`` fixes the token
counts; by default they are word counts of the prompt and the reply.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Behaviour:
    """What the server does for one request."""

    content: str = ""
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    """Each ``{"name": str, "arguments": str}`` (arguments: raw JSON text, possibly malformed)."""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    usage: tuple[int, int] | None = None
    fn: Callable[[dict[str, Any]], Behaviour] | None = None


def reply(text: str, *, usage: tuple[int, int] | None = None) -> Behaviour:
    return Behaviour(content=text, usage=usage)


def tool_calls(calls: list[tuple[str, dict[str, Any]]], *, content: str = "") -> Behaviour:
    return Behaviour(content=content, tool_calls=[{"name": n, "arguments": json.dumps(a)} for n, a in calls])


def tool_call(name: str, args: dict[str, Any], *, content: str = "") -> Behaviour:
    return tool_calls([(name, args)], content=content)


def malformed_tool_call(name: str, raw_arguments: str = '{"path": "a.v",') -> Behaviour:
    return Behaviour(tool_calls=[{"name": name, "arguments": raw_arguments}])


def status(code: int, *, retry_after_ms: int | None = None, message: str | None = None) -> Behaviour:
    headers = {"retry-after-ms": str(retry_after_ms)} if retry_after_ms is not None else {}
    return Behaviour(status=code, headers=headers, content=message or f"loopback: scripted HTTP {code}")


def slow(seconds: float, then: Behaviour | None = None) -> Behaviour:
    b = then or reply("late reply")
    return Behaviour(b.content, b.tool_calls, b.status, b.headers, seconds, b.usage, b.fn)


def big(n_bytes: int = 200_000) -> Behaviour:
    line = "// padding line of a very long reply\n"
    return reply((line * (n_bytes // len(line) + 1))[:n_bytes])


def dynamic(fn: Callable[[dict[str, Any]], Behaviour]) -> Behaviour:
    return Behaviour(fn=fn)


def _words(body: dict[str, Any]) -> int:
    return sum(len(str(m.get("content") or "").split()) for m in body.get("messages", []))


class LoopbackLLM:
    """The server; a context manager. ``base_url`` is ``http://127.0.0.1:PORT/v1``."""

    def __init__(self, model: str = "loopback-model", default: Behaviour | None = None) -> None:
        self.model = model
        self.default = default
        self.requests: list[dict[str, Any]] = []
        self._script: list[Behaviour] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        # A short poll interval: shutdown() waits for one, at the end of every test.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def spec(self, model: str | None = None) -> str:
        """The chipsmith model spec that points at this server."""
        return f"openai-compatible:{model or self.model}@{self.base_url}"

    def script(self, *behaviours: Behaviour) -> LoopbackLLM:
        with self._lock:
            self._script.extend(behaviours)
        return self

    def _next(self, body: dict[str, Any], headers: dict[str, str]) -> Behaviour | None:
        with self._lock:
            self.requests.append({"body": body, "headers": headers})
            b = self._script.pop(0) if self._script else self.default
        return b.fn(body) if b is not None and b.fn is not None else b

    def __enter__(self) -> LoopbackLLM:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()


def _handler_for(srv: LoopbackLLM) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/models"):
                self._json(200, {"object": "list", "data": [{"id": srv.model, "object": "model"}]})
            else:
                self._json(404, {"error": {"message": "not found"}})

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", 0))
            try:
                body = json.loads(self.rfile.read(length) or b"{}")
            except ValueError:
                return self._json(400, {"error": {"message": "body is not JSON"}})
            b = srv._next(body, {k.lower(): v for k, v in self.headers.items()})
            if b is None:
                return self._json(400, {"error": {"message": "loopback: script exhausted"}})
            time.sleep(b.delay_s)
            if b.status != 200:
                return self._json(b.status, {"error": {"message": b.content, "type": "loopback"}}, b.headers)
            usage = _usage(b, body)
            try:
                if body.get("stream"):
                    self._stream(b, usage, bool((body.get("stream_options") or {}).get("include_usage")))
                else:
                    self._json(200, _completion(srv.model, b, usage))
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a timeout test)

        def _json(self, code: int, obj: Any, headers: dict[str, str] | None = None) -> None:
            data = json.dumps(obj).encode()
            self.send_response(code)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)

        def _stream(self, b: Behaviour, usage: dict[str, int], with_usage: bool) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/event-stream")
            self.send_header("connection", "close")
            self.end_headers()
            for chunk in _chunks(srv.model, b, usage, with_usage):
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
            self.close_connection = True

    return Handler


def _usage(b: Behaviour, body: dict[str, Any]) -> dict[str, int]:
    n_in, n_out = b.usage or (_words(body), max(1, len(b.content.split()) + 5 * len(b.tool_calls)))
    return {"prompt_tokens": n_in, "completion_tokens": n_out, "total_tokens": n_in + n_out}


def _openai_calls(b: Behaviour) -> list[dict[str, Any]]:
    return [
        {"id": f"call_{i}_{uuid.uuid4().hex[:8]}", "type": "function",
         "function": {"name": c["name"], "arguments": c["arguments"]}}
        for i, c in enumerate(b.tool_calls)
    ]  # fmt: skip


def _completion(model: str, b: Behaviour, usage: dict[str, int]) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": b.content or None}
    if b.tool_calls:
        message["tool_calls"] = _openai_calls(b)
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:12]}", "object": "chat.completion", "created": int(time.time()),
        "model": model, "usage": usage,
        "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if b.tool_calls else "stop"}],
    }  # fmt: skip


def _chunks(model: str, b: Behaviour, usage: dict[str, int], with_usage: bool) -> list[dict[str, Any]]:
    base = {"id": f"chatcmpl-{uuid.uuid4().hex[:12]}", "object": "chat.completion.chunk",
            "created": int(time.time()), "model": model}  # fmt: skip
    deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
    deltas += [{"content": piece} for piece in re.findall(r"\S+\s*|\s+", b.content)]
    deltas += [{"tool_calls": [{**c, "index": i}]} for i, c in enumerate(_openai_calls(b))]
    chunks = [{**base, "choices": [{"index": 0, "delta": d, "finish_reason": None}]} for d in deltas]
    finish = "tool_calls" if b.tool_calls else "stop"
    chunks.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
    if with_usage:
        chunks.append({**base, "choices": [], "usage": usage})
    return chunks
