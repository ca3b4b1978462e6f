# fapiao: one command list.  `make run` and `make test` are the two set-up commands.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export FAPIAO_SAMPLES_DIR ?= $(abspath ../shared/samples)
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_WORKERS ?= auto

.PHONY: run test lint typecheck contracts migrations-check test-sqlite test-postgres coverage \
        system-deps bench soak clean demo

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

run: $(STAMP)
	FAPIAO_DATA_DIR=$${FAPIAO_DATA_DIR:-$(CURDIR)/var} $(BIN)/python scripts/run.py

system-deps:
	@bash scripts/system-deps.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts

typecheck: $(STAMP)
	$(BIN)/mypy

contracts: $(STAMP)
	$(BIN)/lint-imports

migrations-check: $(STAMP)
	FAPIAO_DATA_DIR=$$(mktemp -d) $(BIN)/django-admin makemigrations --check --dry-run --settings=fapiao.web.settings

# Every test on SQLite, with branch coverage; the database tests again on PostgreSQL.
test-sqlite: $(STAMP)
	FAPIAO_DATA_DIR=$$(mktemp -d) $(BIN)/pytest -n $(PYTEST_WORKERS) -m "not slow" \
	  --cov --cov-report=term:skip-covered --cov-report=json:var/coverage.json
	$(BIN)/python scripts/check_coverage.py var/coverage.json

test-postgres: $(STAMP)
	$(BIN)/python scripts/check_postgres.py "$(PG_URL)"
	if [ -f var/postgres.skip ]; then echo "PostgreSQL tests skipped (server not reachable)"; \
	else FAPIAO_DATA_DIR=$$(mktemp -d) DATABASE_URL="$(PG_URL)" $(BIN)/pytest -n 2 -m "not slow" tests/web tests/cli; fi

test: system-deps lint typecheck contracts migrations-check test-sqlite test-postgres

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

soak: $(STAMP)
	FAPIAO_DATA_DIR=$$(mktemp -d) $(BIN)/pytest -m slow

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
