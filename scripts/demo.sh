#!/usr/bin/env bash
# The main job. Grows as issues land.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/chipsmith doctor
