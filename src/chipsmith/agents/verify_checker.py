"""The verification agent's stop rule: is the testbench in this reply usable, and is it strong?

Each final reply goes through, in order (the first failing step is the feedback):

1. salvage the testbench from the reply (``verify_tb.extract_testbench``);
2. static checks: conventions, how it instantiates the design, the model's ports;
3. a run against the bare interface (a design that drives nothing): it must compile, finish,
   print its verdict and reject that design;
4. the subject to mutate: the candidate design when one is given and it passes the testbench,
   else the testbench's own behavioural model renamed to the design (which must pass);
5. the mutation score on that subject. At or above ``target_score`` the run stops (``passed``);
   below it the surviving mutants' diffs go back to the model (``verify_strengthen``), at most
   ``max_strengthen`` times; after that the best testbench is accepted as it is (``weak``).

The best testbench so far (usable before unusable, then by score, the earlier one on a tie) is
kept whatever stops the run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from chipsmith.agents.runtime import Observation
from chipsmith.agents.verify_run import TbFiles, null_problems, run_design
from chipsmith.agents.verify_score import MutationScore, mutation_score
from chipsmith.agents.verify_tb import TB_TOP, extract_testbench, model_design, model_module, static_problems
from chipsmith.prompts import render


class VerifyOptions(BaseModel):
    """Bounds and thresholds of the verification agent (``--agent-option KEY=VALUE`` in bench runs)."""

    max_iterations: int = 5
    """Checked replies per run (invalid ones and strengthening rounds included)."""
    max_model_calls: int | None = None
    """Default: 3 per iteration (tool-calling turns and bad replies count)."""
    max_strengthen: int = 2
    """Times the surviving mutants are shown to the model before a weak testbench is accepted."""
    target_score: float = 0.9
    """Mutation score at which the testbench is good enough."""
    max_mutants: int = 20
    equivalence: bool = True
    """Prove surviving mutants equivalent (they do not count) before showing them."""
    max_equiv: int = 12
    equiv_timeout_s: float = 30
    sim_timeout_s: float = 30
    max_survivors_shown: int = 6
    jobs: int = 2
    """Parallel simulations while scoring."""
    history_iterations: int = 2


class Attempt(BaseModel):
    """One checked reply: its testbench (if any), what was wrong, and its score."""

    iteration: int
    code: str | None = None
    problems: list[str] = Field(default_factory=list)
    score: MutationScore | None = None
    design_failure: str | None = None
    """The candidate design failed this testbench (the one-line verdict)."""

    @property
    def usable(self) -> bool:
        return self.code is not None and not self.problems

    def rank(self) -> tuple[int, float]:
        value = self.score.score if self.score is not None else None
        return (1 if self.usable else 0, -1.0 if value is None else value)

    def summary(self) -> str:
        if self.code is None or self.problems:
            first = self.problems[0] if self.problems else "no testbench"
            return f"attempt {self.iteration}: unusable: {first[:160]}"
        counts = self.score.counts() if self.score is not None else {}
        score = counts.get("score")
        where = f" ({self.score.subject})" if self.score is not None else ""
        shown = "unmeasured" if score is None else f"{100 * score:.0f}%{where}"
        return f"attempt {self.iteration}: usable, mutation score {shown}"


class VerifyChecker:
    """Checks each reply (see the module docstring); ``best`` is the testbench to keep."""

    def __init__(
        self,
        *,
        top: str,
        interface: str,
        key: str,
        options: VerifyOptions,
        design: str | None = None,
        sandbox: Any = None,
        cache_dir: Path | None = None,
    ) -> None:
        self.top, self.interface, self.key, self.opts = top, interface, key, options
        self.design, self.sandbox, self.cache_dir = design, sandbox, cache_dir
        self.tb_top = TB_TOP
        self.history: list[Attempt] = []
        self.strengthened = 0

    @property
    def best(self) -> Attempt | None:
        best = None
        for a in self.history:
            if a.code is not None and (best is None or a.rank() > best.rank()):
                best = a
        return best

    def check(self, reply: Any, text: str, iteration: int) -> Observation:
        attempt = self._attempt(text, iteration)
        self.history.append(attempt)
        if not attempt.usable:
            return self._fix(attempt)
        return self._judge(attempt)

    def _attempt(self, text: str, iteration: int) -> Attempt:
        got = extract_testbench(text, self.top, self.tb_top)
        if got.code is None:
            return Attempt(iteration=iteration, problems=[got.problem or "no testbench in the reply"])
        attempt = Attempt(iteration=iteration, code=got.code)
        attempt.problems = static_problems(got.code, self.interface, self.top, self.tb_top)
        tb = TbFiles.single(got.code, self.tb_top)
        if not attempt.problems:
            attempt.problems = null_problems(
                tb, self.interface, sandbox=self.sandbox, timeout_s=self.opts.sim_timeout_s
            )
        if not attempt.problems:
            self._measure(attempt, tb)
        return attempt

    def _subject(self, attempt: Attempt, tb: TbFiles) -> tuple[str, str | None]:
        """The design to mutate: the candidate if it passes, else the testbench's own model."""
        if self.design is not None:
            sim = run_design(tb, self.design, sandbox=self.sandbox, timeout_s=self.opts.sim_timeout_s)
            if sim.passed:
                return "candidate", self.design
            attempt.design_failure = sim.message
        return "model", model_design(attempt.code or "", self.top)

    def _measure(self, attempt: Attempt, tb: TbFiles) -> None:
        subject, design = self._subject(attempt, tb)
        if design is None:  # the static checks require the model; kept for a candidate-only subject
            attempt.problems = [f"define `module {model_module(self.top)}` (the behavioural model)"]
            return
        o = self.opts
        score = mutation_score(
            tb, design, key=self.key, top=self.top, subject=subject, max_mutants=o.max_mutants,
            equivalence=o.equivalence, max_equiv=o.max_equiv, equiv_timeout_s=o.equiv_timeout_s,
            jobs=o.jobs, sandbox=self.sandbox, cache_dir=self.cache_dir, timeout_s=o.sim_timeout_s,
        )  # fmt: skip
        if not score.design_ok:
            attempt.problems = [
                f"your testbench fails its own behavioural model used as the design ({score.design_message}): "
                f"compare each output of dut with the same output of {model_module(self.top)} at the same time, "
                "after both have seen the same inputs"
            ]
            return
        attempt.score = score

    def _fix(self, attempt: Attempt) -> Observation:
        feedback = render(
            "verify_fix", problems=attempt.problems, iteration=attempt.iteration,
            max_iterations=self.opts.max_iterations, tb_top=self.tb_top, model=model_module(self.top),
        )  # fmt: skip
        return Observation(feedback=feedback, summary=attempt.summary())

    def _judge(self, attempt: Attempt) -> Observation:
        score = attempt.score.score if attempt.score is not None else None
        if score is None or score >= self.opts.target_score:
            return Observation(stop=True, reason="passed", summary=attempt.summary())
        if self.strengthened >= self.opts.max_strengthen:
            return Observation(
                stop=True, reason="weak", summary=attempt.summary() + " (accepted: below target)"
            )
        self.strengthened += 1
        return Observation(feedback=self._strengthen(attempt), summary=attempt.summary())

    def _strengthen(self, attempt: Attempt) -> str:
        assert attempt.score is not None and attempt.score.mutation is not None
        m, shown = attempt.score.mutation, attempt.score.survivors[: self.opts.max_survivors_shown]
        subject = {"candidate": f"the design under test `{self.top}`", "model": "your behavioural model"}
        return render(
            "verify_strengthen", killed=m.count("killed"), counted=m.count("killed") + m.count("survived"),
            score=m.score or 0.0, target=self.opts.target_score, subject=subject[attempt.score.subject],
            survivors=[s.model_dump() for s in shown], more=len(attempt.score.survivors) - len(shown),
            tb_top=self.tb_top, model=model_module(self.top),
        )  # fmt: skip
