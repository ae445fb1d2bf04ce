"""The toolkit: every registered tool, callable by a model through the session workspace.

``Toolkit.call(name, args)`` is the one path every call takes (LangChain tools and the text
protocol both end here): charge the budget hook, validate the arguments against the schema the
model saw, read file arguments through the Workspace, inject sandbox/settings/workspace, run, render
a bounded deterministic text, add error knowledge to failures, and report ToolEvents. A bad call
(unknown tool, invalid arguments, a refused path, a tool exception) becomes an error text for the
model, never an exception; only the budget hook's own exception (e.g. ``BudgetExceeded``)
propagates, so the agent loop can stop cleanly.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import BaseModel, ValidationError

from chipsmith.agents.tooling.errknow import ErrorKnowledge, is_python_error, tool_families
from chipsmith.agents.tooling.events import CallStatus, ToolEvent, brief_args
from chipsmith.agents.tooling.render import Rendered, bound, generic, render, scrub
from chipsmith.agents.tooling.schema import ToolSpec, build_specs
from chipsmith.agents.workspace import Workspace, WorkspaceError

log = logging.getLogger(__name__)

MAX_OUTPUT_CHARS = 8000
"""Most characters of one tool result shown to a model (error knowledge included)."""
MAX_ARGS_CHARS = 3 * 2**20
"""Largest JSON size of one call's arguments; bigger calls are refused before validation."""
_DEFAULT = object()


class ToolOutput(BaseModel):
    """What a model is shown for one call, and how the call went."""

    tool: str
    text: str
    status: CallStatus
    verdict: str


class _CallError(Exception):
    """A call that cannot run; the message is shown to the model."""


class Toolkit:
    """Registered tools bound to one workspace, sandbox and settings.

    ``names`` picks the tools offered (default: every registered one, plugins included);
    ``registry`` replaces ``TOOLS`` (tests). ``observer`` receives ToolEvents; ``charge(tool_name)``
    is called before every call (e.g. ``BudgetTracker.charge_tool_call``) and may raise to stop.
    ``error_knowledge=None`` turns the error-knowledge lookup off.
    """

    def __init__(
        self,
        workspace: Workspace,
        *,
        names: Iterable[str] | None = None,
        registry: Any = None,
        sandbox: Any = None,
        settings: Any = None,
        observer: Callable[[ToolEvent], None] | None = None,
        charge: Callable[[str], None] | None = None,
        error_knowledge: ErrorKnowledge | None | Any = _DEFAULT,
        max_output_chars: int = MAX_OUTPUT_CHARS,
    ) -> None:
        self.workspace = workspace
        self.specs, self.unavailable = build_specs(list(names) if names is not None else None, registry)
        self._sandbox, self._own_sandbox = sandbox, False
        self._settings = settings
        self.observer = observer
        self.charge = charge
        self.error_knowledge = ErrorKnowledge() if error_knowledge is _DEFAULT else error_knowledge
        self.max_output_chars = max_output_chars
        self._seq = 0

    @property
    def names(self) -> list[str]:
        return sorted(self.specs)

    def call(self, name: str, args: Any, call_id: str | None = None) -> ToolOutput:
        """Run one tool call from a model; never raises except from the budget hook."""
        name, call_id = str(name)[:200], None if call_id is None else str(call_id)[:200]
        self._seq += 1
        seq, start = self._seq, time.monotonic()
        begin = ToolEvent(phase="start", seq=seq, tool=name, call_id=call_id, args=brief_args(args))
        if self.charge is not None:
            try:
                self.charge(name)
            except BaseException as exc:
                end = {"phase": "end", "status": "error", "error": f"budget: {exc}", "duration_s": 0.0}
                self._emit(begin.model_copy(update=end))
                raise
        self._emit(begin)
        try:
            out = self._run(name, args)
        except _CallError as exc:
            out = ToolOutput(tool=name, text=str(exc), status="error", verdict="error")
        out.text = bound(scrub(out.text, (str(self.workspace.root),)), self.max_output_chars)
        end = {
            "phase": "end",
            "status": out.status,
            "verdict": out.verdict,
            "error": out.text.splitlines()[0][:300] if out.status == "error" else None,
            "duration_s": round(time.monotonic() - start, 4),
            "output_chars": len(out.text),
        }
        self._emit(begin.model_copy(update=end))
        return out

    def _run(self, name: str, args: Any) -> ToolOutput:
        spec = self.specs.get(name)
        if spec is None:
            raise _CallError(self._unknown(name))
        kwargs = self._arguments(spec, args)
        try:
            result = spec.func(**kwargs)
        except WorkspaceError as exc:
            raise _CallError(f"{name}: {exc}") from None
        except Exception as exc:
            first = (str(exc).strip().splitlines() or [""])[0][:2000]
            text = f"{name} failed ({type(exc).__name__}): {first}"
            # A built-in exception (AttributeError...) is a bug, not the program's message: no entry.
            families = frozenset() if is_python_error(exc) else tool_families(name, spec.func)
            return ToolOutput(
                tool=name,
                text=self._with_knowledge(text, (first,), families),
                status="error",
                verdict="error",
            )
        shown = self._render(name, result)
        if shown.status == "fail":
            text = self._with_knowledge(shown.text, shown.errors, tool_families(name, spec.func))
        else:
            text = shown.text
        return ToolOutput(tool=name, text=text, status=shown.status, verdict=shown.verdict)

    def _unknown(self, name: str) -> str:
        shown = name if len(str(name)) <= 60 else str(name)[:57] + "..."
        why = f" ({self.unavailable[name]})" if name in self.unavailable else ""
        return f"unknown tool {shown!r}{why}; available tools: {', '.join(self.names)}"

    def _arguments(self, spec: ToolSpec, args: Any) -> dict[str, Any]:
        """Validated arguments, with file arguments read through the workspace and injections added."""
        if args is None:
            args = {}
        if not isinstance(args, dict):
            raise _CallError(
                f"arguments for {spec.name} must be a JSON object. Expected: {spec.signature_line()}"
            )
        size = len(json.dumps(args, default=str))
        if size > MAX_ARGS_CHARS:
            raise _CallError(
                f"arguments for {spec.name} are {size} characters, over the {MAX_ARGS_CHARS} limit"
            )
        try:
            valid = spec.model.model_validate(args)
        except ValidationError as exc:
            raise _CallError(describe_invalid(spec, exc)) from None
        try:
            kwargs = {f: self._convert(spec.kinds[f], getattr(valid, f)) for f in valid.model_fields_set}
        except WorkspaceError as exc:
            raise _CallError(f"{spec.name}: {exc}") from None
        except OSError as exc:  # unreadable file, vanished directory
            raise _CallError(f"{spec.name}: cannot read a file argument ({exc.strerror})") from None
        for inj in spec.injected:
            kwargs[inj] = self._injected(inj)
        return kwargs

    def _convert(self, kind: str, value: Any) -> Any:
        if value is None or kind == "value":
            return value
        if kind == "files":
            return self.workspace.read_files(value)
        paths = [self._existing(p) for p in ([value] if kind == "path" else value)]
        return paths[0] if kind == "path" else paths

    def _existing(self, path: str) -> Any:
        real = self.workspace.resolve(path)
        if not real.is_file():
            raise WorkspaceError(f"no such file in the workspace: {path}")
        return real

    def _injected(self, name: str) -> Any:
        if name == "workspace":
            return self.workspace
        if name == "settings":
            if self._settings is None:
                from chipsmith.config import load_settings

                self._settings = load_settings()
            return self._settings
        if self._sandbox is None:
            from chipsmith.sandbox import get_sandbox

            self._sandbox = get_sandbox(getattr(self._injected("settings"), "sandbox", None))
            self._own_sandbox = True
        return self._sandbox

    def _render(self, name: str, result: Any) -> Rendered:
        try:
            return render(name, result)
        except Exception as exc:  # a renderer bug must not lose the result
            log.warning("renderer for %s failed (%s); showing the result as JSON", name, exc)
            return generic(result)

    def _with_knowledge(self, text: str, errors: tuple[str, ...], families: frozenset[str]) -> str:
        """``text`` with the error entries of ``families`` (the failing tool's programs) that match."""
        if self.error_knowledge is None or not errors or not families:
            return text
        try:
            block = self.error_knowledge.annotate(list(errors), families)
        except Exception as exc:  # e.g. the knowledge extra is not installed: the error text still goes out
            log.warning("error knowledge disabled: %s", exc)
            self.error_knowledge = None
            return text
        if not block:
            return text
        # Cut the tool text, not the knowledge, when both do not fit (the caller bounds the total).
        room = max(200, self.max_output_chars - len(block) - 2)
        return f"{bound(text, room)}\n\n{block}"

    def _emit(self, event: ToolEvent) -> None:
        if self.observer is None:
            return
        try:
            self.observer(event)
        except Exception as exc:  # a broken live view must not break the agent loop
            log.warning("tool event observer failed: %s", exc)

    def langchain_tools(self) -> list[Any]:
        """Each tool as a LangChain ``BaseTool`` (needs the ``llm`` extra)."""
        from chipsmith.agents.tooling.lc import make_tool

        return [make_tool(self, self.specs[n]) for n in self.names]

    def execute(self, tool_call: dict[str, Any]) -> Any:
        """A LangChain ``ToolCall`` (``name``, ``args``, ``id``) -> ``ToolMessage``, unknown names included."""
        from chipsmith.agents.tooling.lc import tool_message

        return tool_message(self.call(tool_call.get("name", ""), tool_call.get("args"), tool_call.get("id")),
                            tool_call.get("id"))  # fmt: skip

    def close(self) -> None:
        """Close the sandbox this toolkit opened (not one it was given)."""
        if self._own_sandbox and self._sandbox is not None:
            self._sandbox.close()
            self._sandbox, self._own_sandbox = None, False


def _short(value: Any) -> str:
    if isinstance(value, str) and len(value) > 60:
        return f"a string of {len(value)} characters"
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else f"a {type(value).__name__} of {len(text)} characters"


def describe_invalid(spec: ToolSpec, exc: ValidationError) -> str:
    """Pure: one line naming each bad argument, and the expected signature."""
    problems = []
    for err in exc.errors()[:6]:
        loc = ".".join(str(p) for p in err["loc"]) or "(arguments)"
        if err["type"] == "extra_forbidden":
            problems.append(f"unexpected argument {loc!r}")
        elif err["type"] == "missing":
            problems.append(f"missing required argument {loc!r}")
        else:
            problems.append(f"{loc}: {err['msg']} (got {_short(err.get('input'))})")
    return f"invalid arguments for {spec.name}: {'; '.join(problems)}. Expected: {spec.signature_line()}"
