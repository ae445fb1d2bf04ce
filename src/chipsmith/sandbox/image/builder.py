"""Build the sandbox image: offline (debootstrap + chroot apt + ``docker import``) or with ``docker build``.

Offline steps are pure command lists (``offline_steps``); ``build_image`` is the one function that runs
them. The finished root file system is cached as a tarball keyed by the recipe hash, so re-creating a
lost image (a wiped docker state) is a 10 s import instead of a 2 min bootstrap.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel

from chipsmith.sandbox.image import recipe
from chipsmith.sandbox.image.mirror import find_mirror

APT_ENV = ["env", "DEBIAN_FRONTEND=noninteractive", "LANG=C.UTF-8"]


class BuildError(RuntimeError):
    """The image could not be built; the message is one line saying why and where the log is."""


class BuildResult(BaseModel):
    image: str
    built: bool
    """False when the image already existed and nothing was done."""
    method: str = ""
    """``exists``, ``import-cached-rootfs``, ``offline`` or ``docker-build``."""
    seconds: float = 0.0
    log: str = ""


def cache_dir() -> Path:
    """Where rootfs tarballs and build logs live (``CHIPSMITH_CACHE_DIR`` or ~/.cache/chipsmith)."""
    if env := os.environ.get("CHIPSMITH_CACHE_DIR"):
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("chipsmith"))


def offline_steps(rootfs: Path, mirror: str, pkgs: list[str], recipe_id: str) -> list[tuple[str, list[str]]]:
    """Pure: (name, argv) of each offline build step, in order."""
    root = str(rootfs)
    chroot = ["chroot", root]
    return [
        ("debootstrap", ["debootstrap", "--variant=minbase", recipe.SUITE, root, mirror]),
        ("apt-get update", [*chroot, *APT_ENV, "apt-get", "update", "-q"]),
        (
            "apt-get install",
            [*chroot, *APT_ENV, "apt-get", "install", "-y", "-q", "--no-install-recommends", *pkgs],
        ),
        ("apt-get clean", [*chroot, "apt-get", "clean"]),
        (
            "finish rootfs",
            [
                *chroot,
                "sh",
                "-c",
                "rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/* && mkdir -p /work "
                f"&& chmod 1777 /work && echo {recipe_id} > /etc/chipsmith-recipe",
            ],
        ),
        ("tar rootfs", ["tar", "--numeric-owner", "-C", root, "-cf", f"{root}.tar", "."]),
    ]


def _run_step(name: str, argv: list[str], log: Path) -> None:
    with log.open("ab") as fh:
        fh.write(f"\n### {name}: {' '.join(argv)}\n".encode())
        fh.flush()
        try:
            proc = subprocess.run(argv, stdout=fh, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        except OSError as exc:
            raise BuildError(f"{name} could not start: {exc}") from None
    if proc.returncode != 0:
        raise BuildError(f"{name} failed (exit {proc.returncode}); see {log}")


def _preflight() -> None:
    if os.geteuid() != 0:
        raise BuildError("the offline build needs root (debootstrap and chroot); run it as root")
    for tool in ("debootstrap", "chroot", "tar"):
        if shutil.which(tool) is None:
            raise BuildError(f"{tool} not found; install it (apt-get install debootstrap)")


def build_rootfs_tar(tag_hash: str, mirror: str, log: Path, say: Callable[[str], None]) -> Path:
    """Bootstrap a root file system and leave it as the cached tarball; returns its path."""
    _preflight()
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    final = cache / f"sandbox-rootfs-{tag_hash}.tar"
    with tempfile.TemporaryDirectory(prefix="rootfs-", dir=cache) as tmp:
        rootfs = Path(tmp) / "rootfs"
        for name, argv in offline_steps(rootfs, mirror, recipe.packages(), tag_hash):
            say(f"{name} ...")
            _run_step(name, argv, log)
        os.replace(f"{rootfs}.tar", final)  # atomic: a half-written tarball is never reused
    return final


def _import(client, tar: Path, tag: str) -> None:  # type: ignore[no-untyped-def]
    repo, _, version = tag.rpartition(":")
    client.api.import_image_from_file(str(tar), repository=repo, tag=version, changes=recipe.import_changes())
    client.images.get(tag)  # raises if the import silently produced nothing


def build_image(
    *,
    offline: bool,
    tag: str | None = None,
    mirror: str | None = None,
    force: bool = False,
    say: Callable[[str], None] = lambda _m: None,
) -> BuildResult:
    """Make sure the recipe's image exists; build it when missing (or when ``force``)."""
    from chipsmith.sandbox._docker_client import connect, image_exists

    client = connect()
    tag = tag or recipe.default_image()
    start = time.monotonic()
    if not force and image_exists(client, tag):
        return BuildResult(image=tag, built=False, method="exists")
    tag_hash = recipe.recipe_hash()
    log = cache_dir() / f"build-{tag_hash}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    if not offline:
        _docker_build(client, tag, say)
        return BuildResult(image=tag, built=True, method="docker-build", seconds=time.monotonic() - start)
    tar = cache_dir() / f"sandbox-rootfs-{tag_hash}.tar"
    method = "import-cached-rootfs"
    if force or not tar.is_file():
        method = "offline"
        tar = build_rootfs_tar(tag_hash, mirror or find_mirror(recipe.SUITE), log, say)
    say(f"docker import {tar.name} -> {tag} ...")
    try:
        _import(client, tar, tag)
    except Exception as exc:  # docker.errors.* are not importable at module level
        raise BuildError(f"docker import failed: {str(exc).splitlines()[0]}") from None
    return BuildResult(image=tag, built=True, method=method, seconds=time.monotonic() - start, log=str(log))


def _docker_build(client, tag: str, say: Callable[[str], None]) -> None:  # type: ignore[no-untyped-def]
    from importlib.resources import as_file, files

    say("docker build (needs a reachable registry for debian:bookworm-slim) ...")
    with as_file(files("chipsmith.sandbox.image")) as ctx:
        try:
            client.images.build(path=str(ctx), tag=tag, rm=True, forcerm=True)
        except Exception as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise BuildError(f"docker build failed ({first}); without a registry use --offline") from None
