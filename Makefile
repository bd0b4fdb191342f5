# DBMIS: two commands on a fresh machine.
#   make demo   install, build the demo warehouse (SQLite) and serve http://127.0.0.1:8050
#   make test   install and run every test (unit, SQLite, PostgreSQL, browser)

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: install system-deps demo test lint bench clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# Debian packages the tests need (browser, fonts with Urdu glyphs, LibreOffice, PDF tools).
system-deps:
	bash scripts/install-system-deps.sh

demo: install
	DBMIS_MODE=demo $(VENV)/bin/dbmis init
	DBMIS_MODE=demo $(VENV)/bin/dbmis demo
	DBMIS_MODE=demo $(VENV)/bin/dbmis serve --host 127.0.0.1 --port 8050

lint: install
	$(VENV)/bin/ruff check dbmis tests benchmarks
	$(VENV)/bin/ruff format --check dbmis tests benchmarks
	$(VENV)/bin/mypy dbmis

test: install system-deps lint
	bash scripts/ensure-postgres.sh
	$(PY) -m pytest -n 2 -q

bench: install
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
