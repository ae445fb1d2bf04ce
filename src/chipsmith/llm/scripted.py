"""The scripted model: replies replayed in order from a YAML or JSON file.

For tests and offline demos only: every handle, record and output made with it is labelled as
scripted, never as a real model. The file is a list of replies, or ``{replies: [...]}``; a reply is
a string (its content) or a mapping::

    replies:
      - content: "I will write the adder."
        tool_calls:
          - {name: write_file, args: {path: adder.v, content: "module adder; endmodule"}}
      - content: "```verilog\\ny = a AND b;\\n```"
        usage: {input_tokens: 120, output_tokens: 9}
      - invalid_tool_calls: [{name: write_file, args: "{not json", error: "bad JSON"}]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatResult
from pydantic import BaseModel, ValidationError

from chipsmith.llm.errors import ModelSpecError, ScriptExhaustedError


class ScriptToolCall(BaseModel):
    name: str
    args: dict[str, Any] = {}
    id: str | None = None


class ScriptInvalidCall(BaseModel):
    name: str | None = None
    args: str | None = None
    error: str | None = None


class ScriptUsage(BaseModel):
    input_tokens: int = 0
    output_tokens: int = 0


class ScriptReply(BaseModel):
    content: str = ""
    tool_calls: list[ScriptToolCall] = []
    invalid_tool_calls: list[ScriptInvalidCall] = []
    usage: ScriptUsage | None = None

    def to_message(self, index: int) -> AIMessage:
        usage = None
        if self.usage is not None:
            n_in, n_out = self.usage.input_tokens, self.usage.output_tokens
            usage = {"input_tokens": n_in, "output_tokens": n_out, "total_tokens": n_in + n_out}
        return AIMessage(
            content=self.content,
            tool_calls=[
                {"name": c.name, "args": c.args, "id": c.id or f"call_s{index}_{j}", "type": "tool_call"}
                for j, c in enumerate(self.tool_calls)
            ],
            invalid_tool_calls=[
                {**c.model_dump(), "id": f"call_s{index}_x{j}", "type": "invalid_tool_call"}
                for j, c in enumerate(self.invalid_tool_calls)
            ],
            usage_metadata=usage,  # type: ignore[arg-type]
        )


def load_script(path: Path) -> list[AIMessage]:
    """The replies of a script file; ModelSpecError (one line) if it is missing or malformed."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ModelSpecError(f"scripted model file {path}: {exc.strerror or exc}") from None
    try:
        if path.suffix == ".json":
            data = json.loads(text)
        else:
            import yaml

            data = yaml.safe_load(text)
    except Exception as exc:  # json.JSONDecodeError or yaml.YAMLError
        raise ModelSpecError(
            f"scripted model file {path} is not valid YAML/JSON: {' '.join(str(exc).split())}"
        ) from None
    items = data.get("replies") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise ModelSpecError(f"scripted model file {path} must hold a non-empty list of replies")
    replies = []
    for i, item in enumerate(items, 1):
        try:
            replies.append(
                ScriptReply(content=item) if isinstance(item, str) else ScriptReply.model_validate(item)
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "reply"
            raise ModelSpecError(f"scripted model file {path}: reply {i}: {where}: {first['msg']}") from None
    return [r.to_message(i) for i, r in enumerate(replies)]


class ScriptedChatModel(GenericFakeChatModel):
    """LangChain's generic fake chat model, fed from a script file; says so when it runs out."""

    script: str
    total: int

    @classmethod
    def from_file(cls, path: Path) -> ScriptedChatModel:
        replies = load_script(path)
        return cls(messages=iter(replies), script=str(path), total=len(replies))

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        try:
            return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)
        except StopIteration:
            raise ScriptExhaustedError(
                f"scripted model {self.script}: all {self.total} replies used; add replies to the script"
            ) from None

    @property
    def _llm_type(self) -> str:
        return "chipsmith-scripted"
