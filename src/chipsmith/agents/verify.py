"""The verification agent: a self-checking testbench from the spec alone, measured by mutation.

``write_testbench(request, workspace, handle)`` runs the agent on the runtime: the model writes
a testbench with a behavioural model (prompts ``verify_system``, ``verify_task``), and
``VerifyChecker`` validates it, runs it, measures it by mutation and feeds surviving mutants back
until it is strong enough or a bound is reached. The best testbench is written to the workspace
(``tb/verify_tb.sv``) and returned with its score. Given a candidate design, it also runs the
testbench on it and reports the failing case with the waveform trace (``check_design``).

``verify_design(...)`` is the entry for a design: with a ``reference`` it proves equivalence
instead of simulating (no model needed); otherwise it writes a testbench and checks the design
with it. The ``AGENTS`` entry (``verify``) is in ``verify_agent``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field

from chipsmith.agents.runtime import AgentDef, AgentRuntime
from chipsmith.agents.verify_checker import Attempt, VerifyChecker, VerifyOptions
from chipsmith.agents.verify_equiv import EquivVerdict, prove_refactor, render_verdict
from chipsmith.agents.verify_run import TbFiles, failing_case, run_design
from chipsmith.agents.verify_tb import TB_TOP, model_module

TB_PATH = "tb/verify_tb.sv"
TOOLS = ("read_file", "list_files")
LABEL = (
    "testbench written by the verification agent from the spec (directed corner cases, then random "
    "stimulus compared with its behavioural model); its mutation score says how much it catches"
)


class DesignCheck(BaseModel):
    """A design run against a testbench: the verdict and, when it fails, the traced failing case."""

    passed: bool
    failure_class: str
    message: str
    mismatches: int | None = None
    samples: int | None = None
    trace: str = ""


class VerifyOutcome(BaseModel):
    """What one run of the verification agent produced."""

    path: str | None = None
    """Workspace path of the best testbench (None when the model never wrote one)."""
    code: str | None = None
    tb_top: str = TB_TOP
    usable: bool = False
    score: float | None = None
    counts: dict[str, Any] = Field(default_factory=dict)
    """killed, survived, equivalent, stillborn, mutants, generated of the best testbench."""
    subject: str | None = None
    design: DesignCheck | None = None
    stop_reason: str = ""
    message: str = ""
    attempts: list[str] = Field(default_factory=list)
    """One line per checked reply."""
    usage: dict[str, Any] = Field(default_factory=dict)
    model: str = ""
    notice: str | None = None
    transcript: str | None = None
    """Path of the saved transcript (every message the model saw and sent), when one was asked for."""


class VerifyReport(BaseModel):
    """``verify_design``'s answer: by equivalence or by a testbench."""

    mode: Literal["equivalence", "testbench"]
    passed: bool
    message: str
    equivalence: EquivVerdict | None = None
    outcome: VerifyOutcome | None = None

    def text(self) -> str:
        if self.equivalence is not None:
            return render_verdict(self.equivalence)
        out = self.outcome
        lines = [self.message]
        if out is not None and out.design is not None and out.design.trace:
            lines.append(out.design.trace)
        return "\n".join(lines)


def definition(opts: VerifyOptions, tools: tuple[str, ...]) -> AgentDef:
    """The agent as data: its prompts, tools and bounds."""
    return AgentDef(
        name="verify", system_prompt="verify_system", task_prompt="verify_task", tools=tools,
        max_iterations=max(1, opts.max_iterations),
        max_model_calls=opts.max_model_calls or 3 * max(1, opts.max_iterations),
        history_iterations=opts.history_iterations,
    )  # fmt: skip


def check_design(
    tb: TbFiles, design: str, *, top: str, sandbox: Any = None, timeout_s: float = 30
) -> DesignCheck:
    """Run ``design`` against ``tb``; a failure comes with the waveform tracer's report."""
    sim = run_design(tb, design, sandbox=sandbox, timeout_s=timeout_s)
    trace = "" if sim.passed else failing_case(tb, design, top=top, sandbox=sandbox, timeout_s=timeout_s)
    return DesignCheck(
        passed=sim.passed, failure_class=sim.failure_class, message=sim.message,
        mismatches=sim.mismatches, samples=sim.samples, trace=trace,
    )  # fmt: skip


def write_testbench(
    request: Any,
    workspace: Any,
    handle: Any,
    *,
    options: VerifyOptions | None = None,
    design: str | None = None,
    tools: tuple[str, ...] = TOOLS,
    sandbox: Any = None,
    settings: Any = None,
    observer: Any = None,
    cache_dir: Path | None = None,
    transcript_path: Path | None = None,
) -> VerifyOutcome:
    """Run the agent for ``request`` (a ``TestbenchRequest``: spec, interface, top, task id).

    ``design``: a candidate under test (run against the best testbench, and mutated when it
    passes); ``cache_dir``: where mutant equivalence answers are cached; ``transcript_path``: save
    the run's transcript there (its ``meta["verify"]`` holds the outcome)."""
    from chipsmith.agents.tooling.toolkit import Toolkit
    from chipsmith.sandbox import get_sandbox

    opts = options or VerifyOptions()
    own_sandbox = sandbox is None
    sandbox = sandbox or get_sandbox()
    checker = VerifyChecker(
        top=request.top, interface=request.interface, key=request.task_id or request.top, options=opts,
        design=design, sandbox=sandbox, cache_dir=cache_dir,
    )  # fmt: skip
    toolkit = Toolkit(
        workspace, names=tools, settings=settings, sandbox=sandbox, charge=handle.charge_tool_call
    )
    try:
        runtime = AgentRuntime(definition(opts, tools), handle, toolkit, checker=checker, observer=observer)
        result = runtime.run(variables=_variables(request, workspace))
        out = _outcome(checker, result, workspace, handle, sandbox, opts)
        if transcript_path is not None:
            result.transcript.meta = {"verify": out.model_dump(exclude={"code"})}
            out.transcript = str(result.transcript.save(transcript_path))
        return out
    finally:
        toolkit.close()
        if own_sandbox:
            sandbox.close()


def _variables(request: Any, workspace: Any) -> dict[str, Any]:
    files = [name for name, _ in workspace.list(".")][:40]
    return {
        "spec": request.spec.strip(), "interface": request.interface.strip(), "top": request.top,
        "tb_top": TB_TOP, "model": model_module(request.top), "files": files,
    }  # fmt: skip


def _outcome(
    checker: VerifyChecker, result: Any, workspace: Any, handle: Any, sandbox: Any, opts: VerifyOptions
) -> VerifyOutcome:
    best: Attempt | None = checker.best
    usage = {**result.usage.model_dump(), "total_tokens": result.usage.total_tokens}
    out = VerifyOutcome(
        stop_reason=result.stop_reason, message=result.message, attempts=[a.summary() for a in checker.history],
        usage=usage, model=handle.label, notice=handle.notice,
    )  # fmt: skip
    if best is None or best.code is None:
        return out
    workspace.write(TB_PATH, best.code)
    out.path, out.code, out.usable = TB_PATH, best.code, best.usable
    if best.score is not None:
        out.score, out.counts, out.subject = best.score.score, best.score.counts(), best.score.subject
    if checker.design is not None and best.usable:
        out.design = check_design(
            TbFiles.single(best.code),
            checker.design,
            top=checker.top,
            sandbox=sandbox,
            timeout_s=opts.sim_timeout_s,
        )
    return out


def verify_design(
    request: Any,
    design: dict[str, str],
    *,
    reference: dict[str, str] | None = None,
    handle: Any = None,
    workspace: Any = None,
    options: VerifyOptions | None = None,
    sandbox: Any = None,
    equiv_depth: int = 20,
) -> VerifyReport:
    """Verify ``design`` against the spec in ``request``: by equivalence when a ``reference`` is
    given (no model), else with a testbench the agent writes (needs ``handle`` and ``workspace``)."""
    if reference:
        proof = prove_refactor(reference, design, top=request.top, depth=equiv_depth, sandbox=sandbox)
        return VerifyReport(
            mode="equivalence",
            passed=proof.passed,
            message=render_verdict(proof).splitlines()[0],
            equivalence=proof,
        )
    if handle is None or workspace is None:
        raise ValueError("without a reference design, verification needs a model handle and a workspace")
    text = "\n".join(design.values())
    out = write_testbench(request, workspace, handle, options=options, design=text, sandbox=sandbox)
    if out.design is None:
        why = "no usable testbench" if not out.usable else "the design was not run"
        return VerifyReport(
            mode="testbench", passed=False, message=f"not verified: {why} ({out.stop_reason})", outcome=out
        )
    score = "unmeasured" if out.score is None else f"{100 * out.score:.0f}%"
    word = "PASS" if out.design.passed else "FAIL"
    message = f"{word}: {out.design.message} (testbench mutation score {score} on the {out.subject})"
    return VerifyReport(mode="testbench", passed=out.design.passed, message=message, outcome=out)
