"""The HTML pages: jinja templates (autoescaped, StrictUndefined) around the JSON API.

Pages carry what their script needs in ``data-*`` attributes of ``<main>``; every script is a file
under ``/static`` (the CSP allows no inline script). Charts drawn by our own SVG code are the only
markup inserted unescaped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from chipsmith.web.security import SCHEMATIC_CSP
from chipsmith.web.state import WebState, get_state

TEMPLATES = Path(__file__).parent / "templates"
router = APIRouter()
SESSION_TABS = (("session", "Session"), ("files", "Files"), ("wave", "Waveform"),
                ("schematic", "Schematic"), ("ppa", "PPA"))  # fmt: skip


def _env() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(request: Request, name: str, **ctx: Any) -> HTMLResponse:
    env = getattr(request.app.state, "jinja", None)
    if env is None:
        env = request.app.state.jinja = _env()
        env.filters["when"] = _when
    return HTMLResponse(env.get_template(name).render(**ctx))


def _when(t: float | None) -> str:
    import time

    return time.strftime("%Y-%m-%d %H:%M", time.localtime(t)) if t else "-"


@router.get("/", response_class=HTMLResponse)
def index(request: Request, state: WebState = Depends(get_state)) -> HTMLResponse:
    sessions = state.manager.list()
    return render(request, "index.html.j2", title="Sessions", sessions=sessions, tab=None, session=None,
                  default_model=state.config.model or state.settings.model or "local",
                  workspace=str(state.config.workspace or "each session's own directory"))  # fmt: skip


def _session_page(request: Request, state: WebState, ref: str, tab: str, **extra: Any) -> HTMLResponse:
    s = state.session(ref)
    return render(request, f"{tab}.html.j2", title=f"{dict(SESSION_TABS)[tab]} - {s.info.title or s.id}",
                  session=s.info, tab=tab, tabs=SESSION_TABS, **extra)  # fmt: skip


@router.get("/s/{ref}", response_class=HTMLResponse)
def session_page(ref: str, request: Request, state: WebState = Depends(get_state)) -> HTMLResponse:
    return _session_page(request, state, ref, "session")


@router.get("/s/{ref}/files", response_class=HTMLResponse)
def files_page(
    ref: str, request: Request, path: str = "", state: WebState = Depends(get_state)
) -> HTMLResponse:
    return _session_page(request, state, ref, "files", path=path)


@router.get("/s/{ref}/wave", response_class=HTMLResponse)
def wave_page(
    ref: str, request: Request, path: str = "", state: WebState = Depends(get_state)
) -> HTMLResponse:
    return _session_page(request, state, ref, "wave", path=path)


@router.get("/s/{ref}/schematic", response_class=HTMLResponse)
def schematic_page(
    ref: str, request: Request, path: str = "", state: WebState = Depends(get_state)
) -> Response:
    page = _session_page(request, state, ref, "schematic", path=path)
    page.headers["Content-Security-Policy"] = SCHEMATIC_CSP
    return page


@router.get("/s/{ref}/ppa", response_class=HTMLResponse)
def ppa_page(ref: str, request: Request, state: WebState = Depends(get_state)) -> HTMLResponse:
    import markupsafe

    from chipsmith.web.api_reports import ppa

    data = ppa(ref, state)
    charts = {"session": markupsafe.Markup(data["chart"]),  # our own escaped SVG
              "optimizer": [{**o, "chart": markupsafe.Markup(o["chart"])} for o in data["optimizer"]]}  # fmt: skip
    return _session_page(request, state, ref, "ppa", rows=data["rows"], charts=charts)


@router.get("/runs", response_class=HTMLResponse)
def runs_page(request: Request, state: WebState = Depends(get_state)) -> HTMLResponse:
    from chipsmith.web.runs import run_dirs, run_row

    rows = [run_row(d) for d in reversed(run_dirs(state.home))]
    return render(request, "runs.html.j2", title="Runs", runs=rows, tab="runs", session=None)


@router.get("/runs/view", response_class=HTMLResponse)
def run_view(
    request: Request, run: list[str] = Query(default=[]), state: WebState = Depends(get_state)
) -> HTMLResponse:
    from urllib.parse import urlencode

    from chipsmith.web.api_reports import known_runs
    from chipsmith.web.runs import synth_rows

    ids = known_runs(state.home, run)
    query = urlencode([("run", r) for r in ids])
    return render(request, "run.html.j2", title="Runs: " + ", ".join(ids), runs=ids, query=query,
                  synth=synth_rows(state.home, ids), tab="runs", session=None)  # fmt: skip


@router.get("/favicon.ico")
def favicon() -> Response:
    return Response(status_code=204)


@router.get("/static-gen/pygments.css")
def pygments_css() -> Response:
    from chipsmith.web.files import stylesheet

    return PlainTextResponse(stylesheet(), media_type="text/css")
