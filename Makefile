# SPDX-License-Identifier: EUPL-1.2
# `make run` sets up and serves the platform; `make test` runs the whole suite. `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
PYTEST_WORKERS ?= 2
export COMMONS_CONFIG ?= development

.DEFAULT_GOAL := help
.PHONY: help install install-test translations translations-update run migrate demo test test-sqlite test-postgres test-browser lint format bench bench-harvest bench-catalogue bench-load clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

install: $(VENV)/.installed ## Create .venv and install the application

install-test: $(VENV)/.installed-test ## Install the application and the test tools

translations: $(VENV)/.installed ## Compile the message catalogues (en, fr, de)
	@if [ -d commons/translations ]; then $(BIN)/pybabel compile -f -d commons/translations 2>&1 | grep -v "^compiling catalog" || true; fi

translations-update: install-test ## Extract the strings and update the fr and de catalogues
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k ngettext:1,2 --no-location --sort-output \
		--project=commons --copyright-holder="commons contributors" -o commons/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i commons/translations/messages.pot -d commons/translations

migrate: translations ## Create or upgrade the SQLite database under instance/
	$(BIN)/commons db upgrade

demo: migrate ## Load the demo data (idempotent) and print the demo accounts
	$(BIN)/commons demo load

run: demo ## Install, migrate, load the demo data and serve on http://127.0.0.1:$PORT
	@echo "Serving on http://127.0.0.1:$(PORT)"
	$(BIN)/commons run --host 127.0.0.1 --port $(PORT) --no-reload

lint: install-test ## ruff (lint and format check) and mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install-test ## Format the code with ruff
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: lint translations test-sqlite test-postgres ## Lint, then the whole suite on SQLite, PostgreSQL and in Chromium
	@if [ -x /usr/bin/chromium ]; then $(MAKE) --no-print-directory test-browser; \
	else echo "Chromium not found at /usr/bin/chromium: browser tests skipped (apt-get install chromium)"; fi

test-sqlite: install-test translations ## The suite on SQLite (without the browser tests)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup -m "not browser" $(PYTEST_ARGS)

test-postgres: install-test translations ## The suite on PostgreSQL, when COMMONS_TEST_DATABASE_URL is set
	@if [ -n "$$COMMONS_TEST_DATABASE_URL" ]; then \
		COMMONS_TEST_DB=postgres $(BIN)/pytest -n $(PYTEST_WORKERS) --dist loadgroup -m "not browser" $(PYTEST_ARGS); \
	else echo "COMMONS_TEST_DATABASE_URL is not set: PostgreSQL run skipped"; fi

test-browser: install-test translations ## Browser tests: Playwright driving /usr/bin/chromium (axe, keyboard, journeys)
	$(BIN)/pytest -n $(PYTEST_WORKERS) -m browser tests/browser $(PYTEST_ARGS)

bench: install-test ## All benchmarks at a reduced size (see bench/README.md for full-size commands)
	$(BIN)/python bench/harvest.py --repos 2000
	$(BIN)/python bench/catalogue.py --commons 10000
	$(BIN)/python bench/relevance.py
	$(BIN)/python bench/publiccode.py --rounds 3
	$(BIN)/python bench/load.py --seconds 20

bench-load: install-test ## Load test: gunicorn (2 workers) on the demo data, 60 s on loopback (LOAD_SECONDS=60)
	$(BIN)/python bench/load.py --seconds $(or $(LOAD_SECONDS),60) --json

clean: ## Remove the virtualenv, caches and the local database
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
