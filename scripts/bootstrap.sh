#!/usr/bin/env bash
# Idempotent set-up: system tools (when root and missing), .venv, the package with its extras.
# A second run with nothing changed does nothing but check.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PKGS=(iverilog verilator yosys opensta bubblewrap docker.io debootstrap g++ ninja-build patch chromium fonts-dejavu-core)
# chromium: the web app's browser tests drive Debian's headless Chromium (Playwright never downloads one).
missing=()
for p in "${APT_PKGS[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "bootstrap: installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "bootstrap: not root; please install: ${missing[*]} (chipsmith doctor says what each enables)" >&2
  fi
fi

PY=${PYTHON:-python3}
stamp_src=$(cat pyproject.toml scripts/bootstrap.sh | sha256sum | cut -c1-16)
if [ ! -x .venv/bin/python ]; then
  echo "bootstrap: creating .venv"
  "$PY" -m venv .venv
fi
if [ "$(cat .venv/.chipsmith-stamp 2>/dev/null)" != "$stamp_src" ]; then
  # [all] includes local-llm: llama-cpp-python builds from source the first time (about 3.5 min on
  # 2 cores); pip caches the built wheel, so later installs take seconds.
  echo "bootstrap: installing chipsmith[all,dev] into .venv (several minutes the first time, seconds after a change)"
  .venv/bin/python -m pip install -q --upgrade pip
  # The CPU build of torch lies on this kind of machine's disk; an unpinned torch would pull a CUDA build.
  .venv/bin/python -m pip install -q "torch==2.13.0" || .venv/bin/python -m pip install -q "torch<=2.14.1"
  .venv/bin/python -m pip install -q -e ".[all,dev]"
  echo "$stamp_src" > .venv/.chipsmith-stamp
fi

# The docker sandbox needs a daemon: start one when none runs and we are root (make setup / demo).
# `make test` sets CHIPSMITH_START_DOCKERD=0: its own services script starts and stops the daemon.
if [ "${CHIPSMITH_START_DOCKERD:-1}" = 1 ]; then
  # shellcheck source=scripts/services.d/dockerd.sh
  source scripts/services.d/dockerd.sh
  dockerd_start
fi
