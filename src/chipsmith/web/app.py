"""The FastAPI application of ``chipsmith serve``: routers, static files, the guard, one-line errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from chipsmith.web.config import WebConfig

STATIC = Path(__file__).parent / "static"


def create_app(config: WebConfig, settings: Any = None) -> Any:
    """The app for ``config`` (routes in ``api_*.py`` and ``pages.py``, security in ``security.py``)."""
    from fastapi import FastAPI, HTTPException, Request
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse
    from fastapi.staticfiles import StaticFiles

    from chipsmith.web import api_files, api_reports, api_schematic, api_sessions, api_waves, pages
    from chipsmith.web.security import Guard
    from chipsmith.web.state import WebState

    app = FastAPI(title="chipsmith", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.web = WebState(config, settings)
    for module in (api_sessions, api_files, api_waves, api_schematic, api_reports, pages):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(Guard, config=config)

    @app.exception_handler(HTTPException)
    async def _http_error(request: Request, exc: HTTPException) -> JSONResponse:
        return JSONResponse({"detail": str(exc.detail)}, status_code=exc.status_code)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query"))
        return JSONResponse({"detail": f"{where}: {first.get('msg', 'invalid request')}"}, status_code=422)

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        # a bug of ours: one line to the page, never a traceback
        line = str(exc).splitlines()[0][:300] if str(exc) else ""
        return JSONResponse({"detail": f"internal error: {type(exc).__name__}: {line}"}, status_code=500)

    return app
