"""The image recipe and its hash (pure). The tag carries the hash, so a changed recipe is a new image."""

from __future__ import annotations

import hashlib
from importlib.resources import files

IMAGE_REPO = "chipsmith-sandbox"
SUITE = "bookworm"
BUILDER_VERSION = "1"
"""Bump when the offline build steps change in a way that changes the image."""

USER = "65534:65534"
WORKDIR = "/work"
ENV = {"HOME": "/tmp", "TMPDIR": "/tmp", "LANG": "C.UTF-8", "PATH": "/usr/local/bin:/usr/bin:/bin"}


def _resource(name: str) -> str:
    return files("chipsmith.sandbox.image").joinpath(name).read_text(encoding="utf-8")


def dockerfile_text() -> str:
    return _resource("Dockerfile")


def parse_packages(text: str) -> list[str]:
    """Pure: package names from packages.txt (one per line, ``#`` comments)."""
    names = [ln.split("#", 1)[0].strip() for ln in text.splitlines()]
    return [n for n in names if n]


def packages() -> list[str]:
    return parse_packages(_resource("packages.txt"))


def recipe_hash(pkgs: list[str] | None = None, dockerfile: str | None = None) -> str:
    """12 hex digits over the package list, the Dockerfile, the suite and the builder version."""
    h = hashlib.sha256()
    for part in (
        "\n".join(pkgs if pkgs is not None else packages()),
        dockerfile if dockerfile is not None else dockerfile_text(),
        SUITE,
        BUILDER_VERSION,
    ):
        h.update(part.encode())
        h.update(b"\0")
    return h.hexdigest()[:12]


def default_image() -> str:
    """The image tag for the current recipe, e.g. ``chipsmith-sandbox:3f2a9c0d1b2e``."""
    return f"{IMAGE_REPO}:{recipe_hash()}"


def import_changes() -> list[str]:
    """Dockerfile instructions ``docker import`` applies, mirroring the Dockerfile's ENV/USER/WORKDIR."""
    env = [f"ENV {k}={v}" for k, v in ENV.items()]
    return env + [f"USER {USER}", f"WORKDIR {WORKDIR}"]
