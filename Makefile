# The two commands a newcomer needs: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000
FLASK := $(BIN)/flask --app app

.PHONY: run test install system-packages openapi bench bench-roster serve crash-test

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
## jq and curl (the README's walkthrough, which a test runs); Chromium and its driver (the
## browser tests), fonts-noto-cjk (the transcript's font) and poppler-utils (reads it back)
## jq and curl (the README's walkthrough, which a test runs), and redis-server (rate limits
## shared by gunicorn's workers; the security tests start their own)
system-packages:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v jq >/dev/null || missing="$$missing jq"; \
	command -v curl >/dev/null || missing="$$missing curl"; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v chromedriver >/dev/null || missing="$$missing chromium-driver"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	[ -f /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || missing="$$missing fonts-noto-cjk"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
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

## bench-roster: a 1,000,000-row CSV roster imported against a plain csv read (ROWS=...)
bench-roster: install
	$(BIN)/python -m bench.rosters --rows $(or $(ROWS),1000000)

## serve: production serving: migrate, then gunicorn (gunicorn.conf.py) and the one
## scheduler process; rate limits in LEDGER_RATELIMIT_STORAGE, or in a redis-server
## started here on instance/redis.sock. Ctrl-C stops all three.
serve: install system-packages
	$(FLASK) db upgrade
	@set -e; instance=$${LEDGER_INSTANCE:-$(CURDIR)/instance}; mkdir -p $$instance; \
	if [ -z "$$LEDGER_RATELIMIT_STORAGE" ]; then \
		redis-server --port 0 --unixsocket $$instance/redis.sock --unixsocketperm 700 \
			--save '' --appendonly no --dir $$instance --daemonize yes \
			--pidfile $$instance/redis.pid; \
		export LEDGER_RATELIMIT_STORAGE=redis+unix://$$instance/redis.sock; \
		trap 'kill $$(cat '$$instance'/redis.pid) 2>/dev/null' EXIT; \
	fi; \
	$(FLASK) ledger scheduler & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null; [ -f '$$instance'/redis.pid ] && kill $$(cat '$$instance'/redis.pid) 2>/dev/null; true' EXIT INT TERM; \
	$(BIN)/gunicorn -c gunicorn.conf.py

## crash-test: post completions with retries through gunicorn while SIGKILLing workers
## and restarting a throwaway PostgreSQL (immediate mode); check every acknowledged item
## is there exactly once and every chain verifies (a few minutes; not part of `make test`)
crash-test: install system-packages
	$(BIN)/python -m bench.crash
