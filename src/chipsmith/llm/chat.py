"""The chat model agents get: one wrapper over any LangChain chat model, for both tool protocols.

``ChipsmithChatModel`` adds, around the provider's model (``inner``): the budget check before a
real call, the ledger record of every reply (through ``MeterCallback``), one-line errors, and the
tool protocol. With ``native`` it passes bound tools to the provider; with ``text`` its
``bind_tools`` renders the tool list into the system prompt (template ``text_protocol``), converts
tool calls and results in the history to text, and parses the reply's ACTION lines back into
``tool_calls`` / ``invalid_tool_calls``, so the runtime above is protocol-agnostic.

LangChain's own cache sits on this wrapper (``cache=``): a cache hit never reaches ``_generate``,
so it makes no call and is not charged.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, Literal

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.language_models.chat_models import generate_from_stream
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import ConfigDict

from chipsmith.llm.errors import LLMError, ModelCallError
from chipsmith.llm.meter import FRESH_KEY, Meter
from chipsmith.llm.textproto import FileTool, format_action, parse_reply, tool_summaries

PROTOCOL_KEY = "chipsmith_protocol"
_NATIVE_TOOL_OPTIONS = ("parallel_tool_calls", "strict")


class ChipsmithChatModel(BaseChatModel):
    """A provider's chat model with chipsmith's budget, ledger, errors and tool protocol."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    inner: BaseChatModel
    spec_text: str
    protocol: Literal["native", "text"] = "native"
    params: dict[str, Any] = {}
    """Parameters that change replies (model, temperature, seed, ...): part of the cache key."""
    meter: Meter | None = None
    file_tool: FileTool | None = None

    @property
    def _llm_type(self) -> str:
        return "chipsmith"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"spec": self.spec_text, "protocol": self.protocol, **self.params}

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        formatted = [convert_to_openai_tool(t) for t in tools]
        if self.protocol == "text":
            # Options of native tool calling mean nothing to a model that gets the tools as text.
            rest = {k: v for k, v in kwargs.items() if k not in _NATIVE_TOOL_OPTIONS}
            return self.bind(text_tools=formatted, **rest)
        try:  # the provider formats tool_choice its own way
            bound: Any = self.inner.bind_tools(tools, tool_choice=tool_choice, **kwargs)
            return self.bind(**bound.kwargs)
        except NotImplementedError:
            return self.bind(tools=formatted, **kwargs)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text_tools = kwargs.pop("text_tools", None)
        if self.meter is not None:
            self.meter.before_call(messages, text_tools or kwargs.get("tools"))
        start = time.monotonic()
        try:
            if self.protocol == "text":
                message = self._call_text(messages, text_tools or [], stop, run_manager, **kwargs)
            else:
                message = self._call_inner(messages, stop, run_manager, **kwargs)
        except LLMError:
            raise
        except Exception as exc:
            raise ModelCallError(describe_error(self.spec_text, exc)) from exc
        stamp = {"run": str(run_manager.run_id) if run_manager else None, "wall_s": time.monotonic() - start}
        message.response_metadata = {**message.response_metadata, FRESH_KEY: stamp}
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _call_inner(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AIMessage:
        # The provider's own _generate/_stream: no second callback run (usage would count twice).
        if getattr(self.inner, "streaming", False):
            # This call's run manager goes along, so streamed tokens reach its callbacks
            # (on_llm_new_token: a chat UI's token handler) as they arrive.
            chunks = self.inner._stream(messages, stop=stop, run_manager=run_manager, **kwargs)
            result = generate_from_stream(chunks)
        else:
            result = self.inner._generate(messages, stop=stop, **kwargs)
        gen = result.generations[0]
        message = gen.message
        if not isinstance(message, AIMessage):
            raise ModelCallError(f"{self.spec_text}: the server replied with a {message.type} message")
        info = {**(result.llm_output or {}), **(gen.generation_info or {})}
        message.response_metadata = {**info, **message.response_metadata}
        return message

    def _call_text(
        self,
        messages: list[BaseMessage],
        tools: list[dict[str, Any]],
        stop: list[str] | None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> AIMessage:
        kwargs.pop("tools", None)
        kwargs.pop("tool_choice", None)
        reply = self._call_inner(text_history(messages, tools, self.file_tool), stop, run_manager, **kwargs)
        text = str(reply.text)
        parsed = parse_reply(text, {t["function"]["name"] for t in tools}, self.file_tool)
        return AIMessage(
            content=text,
            tool_calls=parsed.tool_calls,  # type: ignore[arg-type]
            invalid_tool_calls=parsed.invalid_tool_calls,  # type: ignore[arg-type]
            usage_metadata=reply.usage_metadata,
            response_metadata={**reply.response_metadata, PROTOCOL_KEY: "text"},
            id=reply.id,
        )


def text_history(
    messages: list[BaseMessage], tools: list[dict[str, Any]], file_tool: FileTool | None
) -> list[BaseMessage]:
    """The conversation as plain chat for a model without tool calling."""
    from chipsmith.prompts import render

    names: dict[str, str] = {}
    out: list[BaseMessage] = []
    for m in messages:
        if isinstance(m, AIMessage):
            names.update({c["id"] or "": c["name"] for c in m.tool_calls})
            out.append(AIMessage(content=_ai_text(m)))
        elif isinstance(m, ToolMessage):
            name = m.name or names.get(m.tool_call_id, "tool")
            out.append(HumanMessage(content=f"OBSERVATION ({name}):\n{m.text}"))
        else:
            out.append(m)
    if tools:
        rules = render("text_protocol", tools=tool_summaries(tools), file_tool=file_tool is not None)
        if out and isinstance(out[0], SystemMessage):
            out[0] = SystemMessage(content=f"{str(out[0].text)}\n\n{rules}")
        else:
            out.insert(0, SystemMessage(content=rules))
    return out


def _ai_text(m: AIMessage) -> str:
    """An AI turn as text: a text-protocol reply already holds its ACTION lines; add them otherwise."""
    if m.response_metadata.get(PROTOCOL_KEY) == "text" or not m.tool_calls:
        return str(m.text)
    actions = "\n".join(format_action(c["name"], c["args"]) for c in m.tool_calls)
    return f"{m.text}\n{actions}".strip()


def describe_error(spec: str, exc: BaseException) -> str:
    """One line for a failed call (after the client's own retries)."""
    import openai

    if isinstance(exc, openai.APITimeoutError):
        return f"{spec}: the request timed out (llm_timeout_s, each attempt); raise it or check the server"
    if isinstance(exc, openai.APIConnectionError):
        return f"{spec}: cannot reach the server ({exc.__cause__ or exc}); is it running?"
    if isinstance(exc, openai.AuthenticationError):
        return f"{spec}: the server rejected the API key (HTTP 401); check OPENAI_API_KEY"
    if isinstance(exc, openai.APIStatusError):
        return f"{spec}: HTTP {exc.status_code} from the server: {_short(exc.message)}"
    return f"{spec}: {type(exc).__name__}: {_short(str(exc))}"


def _short(text: str, limit: int = 240) -> str:
    one = " ".join(text.split())
    return one if len(one) <= limit else one[: limit - 3] + "..."
