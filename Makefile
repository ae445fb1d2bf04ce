# Quick start: `make demo` and `make test`. Both set everything up first (idempotent).
.PHONY: setup setup-env demo test check unit

VENV := .venv/bin

# Tools, venv and package; plus a Docker daemon when none runs (for the docker sandbox).
setup:
	@bash scripts/bootstrap.sh

# The same without starting a daemon: the test run starts and stops the services it needs.
setup-env:
	@CHIPSMITH_START_DOCKERD=0 bash scripts/bootstrap.sh

demo: setup
	@bash scripts/demo.sh

check: setup-env
	$(VENV)/ruff check src tests scripts
	$(VENV)/ruff format --check src tests scripts
	$(VENV)/mypy

test: setup-env check
	@bash scripts/test.sh

unit: setup-env
	$(VENV)/pytest -q -m unit
