"""Connecting to the Docker daemon with one-line errors, and the status report `doctor` shows."""

from __future__ import annotations

from typing import Any

from chipsmith.sandbox.base import SandboxError

LABEL = "chipsmith"
"""Every container we create carries ``chipsmith=1`` so leftovers can be counted and cleaned."""

BUILD_HINT = "run `chipsmith sandbox build --offline`"


def connect(timeout: int = 30) -> Any:
    """A docker client with a live daemon, or SandboxError saying what to do."""
    try:
        import docker
    except ImportError:
        raise SandboxError(
            "the docker sandbox needs the docker SDK: pip install 'chipsmith[docker]'"
        ) from None
    try:
        client = docker.from_env(timeout=timeout)
        client.ping()
    except Exception as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise SandboxError(f"Docker daemon not reachable ({reason[:160]}); start dockerd") from None
    return client


def image_exists(client: Any, tag: str) -> bool:
    import docker

    try:
        client.images.get(tag)
    except docker.errors.ImageNotFound:
        return False
    return True


def require_image(client: Any, tag: str) -> None:
    if not image_exists(client, tag):
        raise SandboxError(f"sandbox image {tag} is not built; {BUILD_HINT}")


def labelled_containers(client: Any) -> list[Any]:
    """All containers (any state) carrying our label."""
    return list(client.containers.list(all=True, filters={"label": f"{LABEL}=1"}))


def stale_containers(client: Any, include_live: bool = False) -> list[Any]:
    """Labelled containers whose creating process is gone from this host (all of them with include_live)."""
    import os

    found = []
    for container in labelled_containers(client):
        owner = container.labels.get(f"{LABEL}.owner_pid", "")
        if include_live or not (owner.isdigit() and os.path.exists(f"/proc/{owner}")):
            found.append(container)
    return found


def docker_status(image: str | None = None, timeout: int = 30) -> dict[str, Any]:
    """Daemon and image state as plain data (for `chipsmith sandbox status` and `chipsmith doctor`).

    Never raises: a failure is reported in ``detail`` (one line).
    """
    from chipsmith.sandbox.image.recipe import default_image, recipe_hash

    tag = image or default_image()
    out: dict[str, Any] = {
        "daemon": False,
        "server_version": None,
        "image": tag,
        "recipe_hash": recipe_hash(),
        "image_present": False,
        "image_size_mb": None,
        "containers": None,
        "detail": "",
    }
    try:
        client = connect(timeout=timeout)
    except SandboxError as exc:
        out["detail"] = str(exc)
        return out
    out["daemon"] = True
    try:
        out["server_version"] = client.version().get("Version")
        out["containers"] = len(labelled_containers(client))
        if image_exists(client, tag):
            out["image_present"] = True
            out["image_size_mb"] = round(client.images.get(tag).attrs.get("Size", 0) / 2**20)
        else:
            out["detail"] = f"image not built; {BUILD_HINT}"
    except Exception as exc:  # a slow or failing daemon must not crash `doctor`
        out["detail"] = f"docker query failed: {(str(exc).splitlines() or [type(exc).__name__])[0][:160]}"
    finally:
        client.close()
    return out
