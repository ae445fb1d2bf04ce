"""What external tools chipsmith can use here: version, or why missing and what that disables."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess

from pydantic import BaseModel


class ToolStatus(BaseModel):
    name: str
    found: bool
    version: str | None = None
    detail: str = ""
    """Why it is missing, or what it is used for."""
    disables: str = ""
    """What does not work without it."""


# name, version command, what it disables when missing
BINARIES: list[tuple[str, list[str], str]] = [
    ("iverilog", ["iverilog", "-V"], "simulation (sim), RTL benchmarks, lint's second parser"),
    ("vvp", ["vvp", "-V"], "running iverilog simulations"),
    ("verilator", ["verilator", "--version"], "lint and the second simulator"),
    ("yosys", ["yosys", "-V"], "synthesis, PPA and formal equivalence"),
    ("sta", ["sta", "-version"], "timing and power (OpenSTA): synth reports area only"),
    ("bwrap", ["bwrap", "--version"], "network isolation of the local sandbox (code runs unconfined)"),
    ("g++", ["g++", "--version"], "the cpp kernel backend"),
    ("nvcc", ["nvcc", "--version"], "the cuda kernel backend's compile check"),
]

MODULES: list[tuple[str, str]] = [
    ("torch", "kernel backends and the kernel suite"),
    ("triton", "the triton kernel backend"),
    ("chromadb", "the knowledge base"),
    ("ray", "the ray benchmark executor"),
    ("langchain", "LLM agents"),
]


def _first_line(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    # nvcc's first line is a banner; its version sits on the "release" line.
    return next((ln for ln in lines if "release" in ln), lines[0] if lines else "")


def check_binary(name: str, cmd: list[str], disables: str) -> ToolStatus:
    if shutil.which(cmd[0]) is None:
        return ToolStatus(name=name, found=False, detail=f"{cmd[0]} not on PATH", disables=disables)
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return ToolStatus(name=name, found=False, detail=str(exc), disables=disables)
    out = _first_line(proc.stdout) or _first_line(proc.stderr)
    if proc.returncode != 0 and name == "docker":
        return ToolStatus(
            name=name, found=False, detail="client present, no running daemon", disables=disables
        )
    return ToolStatus(name=name, found=True, version=out)


def check_module(name: str, disables: str) -> ToolStatus:
    if importlib.util.find_spec(name) is None:
        return ToolStatus(
            name=name, found=False, detail="not installed (pip install chipsmith[all])", disables=disables
        )
    from importlib.metadata import PackageNotFoundError, version

    try:
        ver = version(name)
    except PackageNotFoundError:
        ver = "unknown"
    return ToolStatus(name=name, found=True, version=ver)


def check_gpu() -> ToolStatus:
    if shutil.which("nvidia-smi") is None:
        return ToolStatus(
            name="gpu", found=False, detail="no nvidia-smi", disables="GPU kernel timing and cuda execution"
        )
    proc = subprocess.run(
        ["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"], capture_output=True, text=True
    )
    name = _first_line(proc.stdout)
    if proc.returncode != 0 or not name:
        return ToolStatus(
            name="gpu", found=False, detail="nvidia-smi sees no GPU", disables="GPU kernel timing"
        )
    return ToolStatus(name="gpu", found=True, version=name)


def check_docker() -> list[ToolStatus]:
    """The daemon and the sandbox image for the current recipe."""
    disables = "the docker sandbox"
    if importlib.util.find_spec("docker") is None:
        return [ToolStatus(name="docker", found=False, detail="docker SDK not installed", disables=disables)]
    from chipsmith.sandbox.docker import docker_status

    st = docker_status(timeout=10)
    if not st["daemon"]:
        return [ToolStatus(name="docker", found=False, detail=st["detail"] or "no daemon", disables=disables)]
    image = ToolStatus(
        name="docker image", found=st["image_present"], version=st["image"] if st["image_present"] else None
    )
    if not st["image_present"]:
        image.detail, image.disables = (
            f"{st['image']} not built (chipsmith sandbox build --offline)",
            disables,
        )
    return [ToolStatus(name="docker", found=True, version=f"daemon {st['server_version']}"), image]


def run_checks() -> list[ToolStatus]:
    statuses = [check_binary(n, c, d) for n, c, d in BINARIES]
    statuses += check_docker()
    statuses += [check_module(n, d) for n, d in MODULES]
    statuses.append(check_gpu())
    return statuses
