# hadr-workbook: the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 8866
BIN := $(VENV)/bin
# pip is quiet but for errors: the machine's pip config prints a warning per package.
PIP := $(BIN)/python -m pip install -qq --disable-pip-version-check -c constraints.txt
# Every core (up to four), one test file per worker: a file's session fixtures (the app server,
# the executed notebooks) are built once. PYTEST_ARGS= runs the suite in one process.
PYTEST_ARGS ?= --numprocesses=auto --maxprocesses=4 --dist=loadfile

.PHONY: help run test lint lab bench notebooks report browser clean lock

help:
	@echo "make run        serve the managers' app (Voila) on http://$(HOST):$(PORT)/"
	@echo "make test       install what the tests need and run them all"
	@echo "make lab        JupyterLab on http://$(HOST):8888/ for the notebooks"
	@echo "make bench      print benchmark figures"
	@echo "make notebooks  re-execute notebooks and refresh nbval's reference outputs"
	@echo "make report     HTML reports of data/scenarios in reports/ (open reports/index.html)"
	@echo "make lint       ruff, the import contracts and mypy only (make test runs them too)"
	@echo "make lock       re-pin constraints.txt from a fresh resolution of pyproject.toml"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "hadr-workbook needs Python 3.11 or newer: make PYTHON=python3.11 ...")'
	@echo "Creating $(VENV) with $$($(PYTHON) --version)"
	$(PYTHON) -m venv $(VENV)

# Stamps: reinstall only when pyproject.toml changes, so a second `make run` starts in seconds.
$(VENV)/.stamp-run: pyproject.toml constraints.txt | $(BIN)/python
	@echo "Installing hadr-workbook into $(VENV) (about half a minute the first time)"
	$(PIP) -e .
	@touch $@

$(VENV)/.stamp-test: pyproject.toml constraints.txt | $(BIN)/python
	@echo "Installing hadr-workbook with its test extra into $(VENV) (about half a minute the first time)"
	$(PIP) -e ".[test]"
	@touch $@ $(VENV)/.stamp-run

# The app's Voila template (no CDN requests) lives in hadr_lib/share/jupyter.
export JUPYTER_PATH := $(CURDIR)/hadr_lib/share/jupyter$(if $(JUPYTER_PATH),:$(JUPYTER_PATH))

# On loopback the app answers only to local host names (voila.json: DNS rebinding);
# served on another address it must answer to that address's names too.
run: $(VENV)/.stamp-run
	@echo "Serving the HA/DR workbook at http://$(HOST):$(PORT)/  (Ctrl-C stops it)"
	$(BIN)/python -m hadr_lib.serve notebooks/app.ipynb --Voila.ip=$(HOST) --port=$(PORT) --no-browser \
	  $(if $(filter 127.0.0.1 localhost ::1,$(HOST)),,--Voila.tornado_settings=allow_remote_access=True)

lab: $(VENV)/.stamp-run
	$(BIN)/jupyter lab --ServerApp.ip=$(HOST) --no-browser --notebook-dir=notebooks $$( [ "$$(id -u)" = 0 ] && echo --allow-root )

# Debian's Chromium drives the browser tests (Playwright's own download does not work here).
browser:
	@if command -v chromium >/dev/null 2>&1; then \
	  echo "Browser tests use $$(command -v chromium)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "Chromium is missing: 'sudo apt-get install chromium' enables the browser tests" \
	       "(they are skipped without it, and fail with HADR_REQUIRE_BROWSER=1)"; \
	fi

lint: $(VENV)/.stamp-test
	$(BIN)/ruff check hadr_lib tests benchmarks
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy

test: lint browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

report: $(VENV)/.stamp-run
	$(BIN)/hadr report --out reports --jobs 2

notebooks: $(VENV)/.stamp-test
	$(BIN)/python tests/refresh_notebooks.py

$(VENV)/.stamp-bench: pyproject.toml constraints.txt | $(BIN)/python
	@echo "Installing the benchmark extra (peer libraries measured against) into $(VENV)"
	$(PIP) -e ".[test,bench]"
	@touch $@ $(VENV)/.stamp-test $(VENV)/.stamp-run

bench: $(VENV)/.stamp-bench browser
	$(BIN)/python benchmarks/run.py

# A fresh venv resolves pyproject.toml's ranges (all extras) and pins what it got.
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install -qq --disable-pip-version-check ".[test,bench,dask]"
	{ sed -n '1,4p' constraints.txt; .lock-venv/bin/python -m pip freeze --exclude-editable \
	  | grep -v '^hadr-workbook'; } > constraints.txt.new && mv constraints.txt.new constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis reports
