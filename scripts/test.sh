#!/usr/bin/env bash
# Runs the whole suite with the services its tests need; stops what it started.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/services.sh
trap services_stop EXIT
services_start
.venv/bin/pytest -n 2 --dist loadgroup -q "$@"
