"""What one ``chipsmith serve`` process serves, and to whom (pure pydantic, no web imports)."""

from __future__ import annotations

import ipaddress
import secrets
from pathlib import Path

from pydantic import BaseModel, ConfigDict, model_validator

LOOPBACK_NAMES = ("localhost", "localhost.")


class WebConfigError(ValueError):
    """A configuration the server refuses to run with (one line)."""


def is_loopback(host: str) -> bool:
    """Pure: whether binding ``host`` keeps the server reachable from this machine only."""
    name = host.strip().strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def new_token() -> str:
    """A random access token (32 bytes, URL-safe)."""
    return secrets.token_urlsafe(32)


class WebConfig(BaseModel):
    """The served home, the defaults for sessions started in the browser, and the access rule."""

    model_config = ConfigDict(frozen=True)

    home: Path
    """The chipsmith home (``.chipsmith``): its sessions, runs and optimizer reports are served."""
    host: str = "127.0.0.1"
    port: int = 8765
    workspace: Path | None = None
    """Workspace of sessions created in the browser (None: each session's own directory)."""
    model: str | None = None
    """Model spec of sessions created in the browser (None: the configured model)."""
    token: str | None = None
    """Required on every request when set; always set when ``host`` is not a loopback address."""

    @model_validator(mode="after")
    def _token_off_loopback(self) -> WebConfig:
        if not is_loopback(self.host) and not self.token:
            raise WebConfigError(f"binding {self.host} (not loopback) needs an access token")
        if self.token is not None and len(self.token) < 16:
            raise WebConfigError("an access token needs at least 16 characters")
        return self

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    def url(self, with_token: bool = True) -> str:
        """The address to open (with ``?token=`` when one is required)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        base = f"http://{host}:{self.port}/"
        return f"{base}?token={self.token}" if with_token and self.token else base
