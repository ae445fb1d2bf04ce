"""Shared by the web app's integration tests: scripted turns, a real ``chipsmith serve``, a browser.

The browser is Debian's Chromium (``/usr/bin/chromium``) driven by Playwright; nothing downloads
one. Without it (or without Playwright) the browser tests skip locally and fail under ``CI=true``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from helpers import IN_CI, require_module, require_tool

DATA = Path(__file__).parent / "data"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "web"
REQUEST = "Write a 4-bit counter counter4 in rtl/counter4.v with a testbench"
FIX = "The counter must wrap after 15, not 9: fix rtl/counter4.v"


@pytest.fixture(autouse=True)
def _needs() -> None:
    require_tool("iverilog", "yosys", "sta")
    require_module("fastapi")
    require_module("pywellen")
    require_module("langchain")


def call(name: str, say: str = "", **args: Any) -> dict[str, Any]:
    return {"content": say, "tool_calls": [{"name": name, "args": args}]}


def script(path: Path, replies: list[Any]) -> str:
    path.write_text(yaml.safe_dump({"replies": replies}))
    return f"scripted:{path}"


def failing_turn(path: Path) -> str:
    """Turn 1: a testbench and a counter that wraps after 9; the check fails at 110 ns."""
    return script(path, [
        call("write_file", "Plan: the testbench, then the design, then a check.", path="tb/counter4_tb.sv",
             content=(DATA / "counter4_tb.sv").read_text()),
        call("write_file", path="rtl/counter4.v", content=(DATA / "counter4_bug.v").read_text()),
        call("verify_design", design="rtl/counter4.v"),
        "counter4 is written in rtl/counter4.v and checked by tb/counter4_tb.sv.",
    ])  # fmt: skip


def fixing_turn(path: Path, *, ppa: bool = False) -> str:
    """Turn 2: the counter fixed; its testbench passes (``ppa``: then its area against the turn's start)."""
    measure = [call("check_ppa", design="rtl/counter4.v", goal="area")] if ppa else []
    return script(path, [
        call("write_file", "It wrapped at 9; it counts to 15 now.", path="rtl/counter4.v",
             content=(DATA / "counter4_good.v").read_text()),
        call("verify_design", design="rtl/counter4.v"),
        *measure,
        "Fixed: rtl/counter4.v wraps after 15 and passes tb/counter4_tb.sv.",
    ])  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def serve(
    home: Path, *args: str, host: str = "127.0.0.1", env: dict[str, str] | None = None
) -> Iterator[tuple[str, str]]:
    """``chipsmith serve`` in a subprocess; yields (base URL, its first line of output)."""
    port = free_port()
    cmd = [sys.executable, "-m", "chipsmith.cli", "serve", "--host", host, "--port", str(port), *args]
    full_env = {**os.environ, "CHIPSMITH_HOME": str(home), "CHIPSMITH_LLM_CACHE": "false", **(env or {})}
    proc = subprocess.Popen(cmd, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        first = proc.stdout.readline().strip() if proc.stdout else ""
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(httpx.HTTPError):
                httpx.get(base + "/favicon.ico", timeout=2)
                break
            assert proc.poll() is None, f"chipsmith serve exited: {first}"
            time.sleep(0.2)
        yield base, first
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def require_browser() -> None:
    """Skip (locally) or fail (CI) without Playwright or Debian's Chromium."""
    require_module("playwright")
    if not (Path(CHROMIUM).is_file() and shutil.which("chromium")):
        msg = f"{CHROMIUM} is missing (apt-get install chromium; scripts/bootstrap.sh does)"
        if IN_CI:
            pytest.fail(msg + " (CI requires it)")
        pytest.skip(msg)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    """A fresh headless Chromium context (own profile dir) and the page's console errors."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
            viewport={"width": 1400, "height": 900},
        )  # fmt: skip
        try:
            yield ctx
        finally:
            ctx.close()


def shot(page: Any, name: str) -> Path:
    """A screenshot written as a test artefact (tests/artifacts/web/NAME.png)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
