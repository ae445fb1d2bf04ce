"""Prove a candidate's mapped netlist equivalent to the input design with the equivalence tool.

The ABC engine (``dprove``: CEC for combinational designs, signal correspondence, induction and
PDR for sequential ones, from all-zero registers with the reset asserted in the first cycle)
settles in seconds what the SAT engine left unknown. The cells of the netlist get their functions
from the same liberty file the mapping used.
"""

from __future__ import annotations

import hashlib
import threading

from pydantic import BaseModel

from chipsmith.sandbox.base import Sandbox
from chipsmith.tools.equivalence import EquivError, check_equivalence
from chipsmith.tools.optimize.evaluate import Design, Evaluation, Library

NETLIST_NAME = "mapped_netlist.v"


class Proof(BaseModel):
    """The verdict on one candidate: True proven, False a difference found, None not settled."""

    key: str
    equivalent: bool | None
    method: str
    message: str
    wall_s: float
    reset: str | None = None


def prove(
    ev: Evaluation, design: Design, lib: Library, *, sandbox: Sandbox, timeout_s: float, reset: str | None
) -> Proof:
    """Check ``ev``'s netlist against ``design``; a setup error counts as not proven."""
    if not ev.netlist:
        return Proof(key=ev.key, equivalent=None, method="none", message="no netlist", wall_s=0.0)
    try:
        res = check_equivalence(
            design.sources,
            {NETLIST_NAME: ev.netlist.encode()},
            top=design.top,
            gate_top=design.top,
            sandbox=sandbox,
            timeout_s=timeout_s,
            reset=reset,
            gate_liberty=lib.text,
            engine="abc",
        )
    except EquivError as exc:
        return Proof(key=ev.key, equivalent=None, method="error", message=f"check failed: {exc}", wall_s=0.0)
    return Proof(
        key=ev.key,
        equivalent=res.equivalent,
        method=res.method,
        message=res.message,
        wall_s=res.wall_s,
        reset=res.reset,
    )


class ProofCache:
    """Proofs of one run, cached by netlist content (two recipes may give the same netlist)."""

    def __init__(
        self, design: Design, lib: Library, *, sandbox: Sandbox, timeout_s: float, reset: str | None
    ) -> None:
        self.design, self.lib, self.sandbox = design, lib, sandbox
        self.timeout_s, self.reset = timeout_s, reset
        self.by_netlist: dict[str, Proof] = {}
        self.proofs: dict[str, Proof] = {}
        self._lock = threading.Lock()

    def prove(self, ev: Evaluation) -> Proof:
        digest = hashlib.sha256((ev.netlist or "").encode()).hexdigest()
        with self._lock:
            known = self.by_netlist.get(digest)
        if known is None:
            known = prove(
                ev, self.design, self.lib, sandbox=self.sandbox, timeout_s=self.timeout_s, reset=self.reset
            )
        with self._lock:
            self.by_netlist[digest] = known
            self.proofs[ev.key] = known.model_copy(update={"key": ev.key})
            return self.proofs[ev.key]

    def verdict(self, key: str) -> bool | None | str:
        """True / False / None for a checked candidate, "unchecked" otherwise."""
        with self._lock:
            proof = self.proofs.get(key)
        return "unchecked" if proof is None else proof.equivalent
