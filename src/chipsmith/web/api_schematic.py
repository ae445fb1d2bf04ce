"""The schematic API: the designs of a workspace, and one design synthesized for drawing."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException
from fastapi.concurrency import run_in_threadpool

from chipsmith.web.api_files import read_bytes
from chipsmith.web.state import WebState, get_state

router = APIRouter(prefix="/api/s/{ref}")


def designs_of(workspace: Any) -> list[str]:
    """Workspace files that are designs (Verilog with a module, not a testbench), as the
    orchestrator's rules classify them."""
    from chipsmith.agents.orchestrator_verdict import classify

    out = []
    for path, size in workspace.list("."):
        if path.endswith((".v", ".sv")) and size <= 2**20:
            text = workspace.read_bytes(path).decode("utf-8", errors="replace")
            if classify(path, text) == "design":
                out.append(path)
    return out


@router.get("/designs")
def designs(ref: str, state: WebState = Depends(get_state)) -> dict[str, Any]:
    return {"designs": designs_of(state.session(ref).workspace)}


@router.get("/schematic")
async def schematic(
    ref: str, path: str, top: str | None = None, state: WebState = Depends(get_state)
) -> dict[str, Any]:
    """The mapped netlist of ``path`` (yosys JSON for netlistsvg), its critical path and PPA."""
    from chipsmith.web.schematic_run import SchematicError, draw

    s = state.session(ref)
    source = read_bytes(s, path)
    try:
        result = await run_in_threadpool(
            draw, path, source, top or None, list(state.settings.liberty), state.cache
        )
    except SchematicError as exc:
        raise HTTPException(422, str(exc)) from None
    return result.model_dump(mode="json")
