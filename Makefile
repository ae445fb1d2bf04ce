# Quick start: `make demo` and `make test`. Both set everything up first (idempotent).
.PHONY: setup demo test check unit lint bench

VENV := .venv/bin

setup:
	@bash scripts/bootstrap.sh

demo: setup
	@bash scripts/demo.sh

check: setup
	$(VENV)/ruff check src tests scripts
	$(VENV)/ruff format --check src tests scripts
	$(VENV)/mypy

test: setup check
	@bash scripts/test.sh

unit: setup
	$(VENV)/pytest -q -m unit
