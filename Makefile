# The two commands a newcomer needs: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app app

.PHONY: run test install system-packages openapi bench

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
	$(FLASK) run --host $(HOST) --port $(PORT)

## system-packages: Debian's PostgreSQL server (the tests start a throwaway cluster) and
## jq and curl (the README's walkthrough, which a test runs)
system-packages:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v jq >/dev/null || missing="$$missing jq"; \
	command -v curl >/dev/null || missing="$$missing curl"; \
	if [ -n "$$missing" ]; then \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	fi

## test: lint, then every test on SQLite and PostgreSQL
test: install system-packages
	$(BIN)/ruff check .
	$(BIN)/pytest

## openapi: regenerate openapi.yaml from the schemas (a test fails when it is stale)
openapi: install
	$(FLASK) openapi write --format=yaml openapi.yaml

## bench: every benchmark in bench/, one results table into bench/README.md
## (BENCH_QUICK=1 for a few minutes at a tenth of the sizes)
bench: install system-packages
	$(BIN)/pip install -q -e '.[bench]' || $(BIN)/pip install -q gunicorn
	$(BIN)/python -m bench
