# The two commands a newcomer needs: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app

.PHONY: run test install postgres openapi bench lint

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $@

install: $(BIN)/.installed

## run: migrate the SQLite database under instance/, create demo clients on a new one, serve
run: install
	$(FLASK) db upgrade
	$(FLASK) ledger demo
	$(FLASK) run --host 127.0.0.1 --port 5000

## postgres: Debian's PostgreSQL server binaries, which the tests start as a throwaway cluster
postgres:
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; \
	fi

## test: lint, then every test on SQLite and PostgreSQL
test: install postgres
	$(BIN)/ruff check .
	$(BIN)/pytest

## openapi: regenerate openapi.yaml from the schemas (a test fails when it is stale)
openapi: install
	$(FLASK) openapi write --format=yaml openapi.yaml

bench: install postgres
	$(BIN)/python -m bench.completions
