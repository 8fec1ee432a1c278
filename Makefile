# Quick start: `make run` (the bot on its embedded defaults) and `make test` (the whole suite).
SHELL := /bin/bash
PY ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
PG_BIN ?= /usr/lib/postgresql/15/bin

.PHONY: run test lint bench system-deps clean

$(STAMP): requirements.lock pyproject.toml
	@$(PY) -c 'import sys; assert sys.version_info >= (3, 11), "需要 Python 3.11 以上"'
	@$(PY) -m venv --help >/dev/null 2>&1 && $(PY) -c 'import ensurepip' 2>/dev/null || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv)
	@[ -x $(VENV)/bin/python ] || $(PY) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q --disable-pip-version-check --require-hashes -r requirements.lock
	$(VENV)/bin/python -m pip install -q --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/lieguan init
	$(VENV)/bin/lieguan serve

# What the tests need beyond Python: a PostgreSQL 15 server (started by the tests
# themselves on a temporary directory and port), LibreOffice and a Kai font for the reports,
# Debian's Chromium for the web desk's browser tests (Playwright drives /usr/bin/chromium), and
# systemd-analyze to verify the service unit in deploy/.
system-deps:
	@need=""; \
	[ -x $(PG_BIN)/initdb ] || need="$$need postgresql-15"; \
	command -v soffice >/dev/null 2>&1 || need="$$need libreoffice-writer-nogui"; \
	[ -e /usr/share/fonts/truetype/arphic/ukai.ttc ] || need="$$need fonts-arphic-ukai"; \
	[ -x /usr/bin/chromium ] || need="$$need chromium"; \
	command -v systemd-analyze >/dev/null 2>&1 || need="$$need systemd"; \
	if [ -n "$$need" ]; then \
	  echo "安裝測試所需套件:$$need"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$need; \
	fi

test: $(STAMP) system-deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy config storage bot handlers
	$(VENV)/bin/pytest -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check . || true
	$(VENV)/bin/mypy config storage bot handlers

bench: $(STAMP)
	for f in bench/bench_*.py; do $(VENV)/bin/python $$f || exit 1; done

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
