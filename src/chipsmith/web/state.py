"""What every route shares: the config, the settings, the session manager, live turns, caches."""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request

from chipsmith.web.config import WebConfig


class WebState:
    """Built once by ``create_app``; reached from a route through ``get_state(request)``."""

    def __init__(self, config: WebConfig, settings: Any = None) -> None:
        from chipsmith.agents.session import SessionManager
        from chipsmith.config import load_settings
        from chipsmith.web.live import LiveSessions
        from chipsmith.web.wave_store import WaveStore

        self.config = config
        self.settings = settings or load_settings(home=config.home, model=config.model)
        self.manager = SessionManager(settings=self.settings)
        self.live = LiveSessions(self.manager, config.model)
        self.waves = WaveStore()
        self.cache: dict[str, Any] = {}
        """Results worth keeping between requests (schematics, by content hash)."""

    @property
    def home(self) -> Any:
        return self.settings.home

    def session(self, ref: str) -> Any:
        """An opened (not started) session, or 404 with the store's one-line reason."""
        from chipsmith.agents.session_store import SessionError

        try:
            return self.manager.open(ref)
        except SessionError as exc:
            raise HTTPException(404, str(exc)) from None


def get_state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state
