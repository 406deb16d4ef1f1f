PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check --quiet

.PHONY: install dev run test lint format lock clean bench

## install: .venv from the locked runtime dependencies, with the `profiles` command in it
install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install --require-hashes --no-deps -r requirements.lock
	$(PIP) install --no-deps -e .
	touch $@

## dev: install plus the test and lint tools
dev: $(VENV)/.dev-installed

$(VENV)/.dev-installed: $(VENV)/.installed requirements-dev.lock
	$(PIP) install --require-hashes --no-deps -r requirements-dev.lock
	touch $@

## run: serve the API on http://127.0.0.1:8000 (embedded database unless PROFILES_MONGODB_URL)
run: install
	$(BIN)/profiles serve

## test: the whole suite against a real MongoDB wire-protocol server, one worker per core
## and one more (at most 5; each worker starts its own embedded server, and tests spend
## part of their time waiting on child processes and deadlines), tests handed out as
## workers free up
TEST_WORKERS ?= $(shell n=$$(nproc 2>/dev/null || echo 1); echo $$(( n + 1 < 5 ? n + 1 : 5 )))
test: dev
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal

## bench: every benchmark at its default (small) size, a few minutes; each prints its ratio last
bench: dev
	$(BIN)/python -m bench.api
	$(BIN)/python -m bench.layout
	$(BIN)/python -m bench.migration
	$(BIN)/python -m bench.search --sizes 2000 20000
	$(BIN)/python -m bench.crafted
	$(BIN)/python -m bench.metrics

## lint: ruff (lint and format check) and mypy
lint: dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy documents service api migrations tests bench

format: dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## lock: re-resolve the pinned dependency files from pyproject.toml
lock:
	uv pip compile pyproject.toml -o requirements.lock --generate-hashes --python-version 3.11
	uv pip compile pyproject.toml --extra dev -o requirements-dev.lock --generate-hashes --python-version 3.11

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
