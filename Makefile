# Two commands on a fresh machine: `make run` and `make test`. Each creates .venv and installs what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint format pytest bench bench-login bench-model bench-workload bench-analytics clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $(STAMP)

## Start the API (and, as later parts land, a worker) on the embedded defaults: http://127.0.0.1:8000/docs
run: $(STAMP)
	$(BIN)/emberwatch run --host $(HOST) --port $(PORT)

## Lint, type-check and run the whole test suite (PostgreSQL/Redis parts run when EMBERWATCH_TEST_* are set).
test: lint pytest

pytest: $(STAMP)
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

## Benchmarks live outside the test run; each writes its raw figures to bench/out/.
bench: bench-login bench-model bench-workload bench-analytics

bench-login: $(STAMP)
	$(BIN)/python -m bench.login

bench-model: $(STAMP)
	$(BIN)/python -m bench.model

bench-workload: $(STAMP)
	$(BIN)/python -m bench.workload

## Needs PostgreSQL (EMBERWATCH_BENCH_DATABASE_URL); loads 36.5 million check-ins.
bench-analytics: $(STAMP)
	$(BIN)/python -m bench.analytics

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
