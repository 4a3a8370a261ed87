# The two commands of the README: `make run` and `make test`. Everything they
# need is set up on the way, so they work on a fresh clone.

# Python 3.12 or newer: on 3.11 a multi-threaded server can crash in the cyclic
# garbage collector (see blog/serving.py), so prefer a newer interpreter when
# the machine has one, and fall back to python3.
NEWER_PYTHON := $(shell for p in python3.12 python3.13 $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python3; do \
  $$p -c 'import sys; assert sys.version_info >= (3, 12); print(sys.executable)' 2>/dev/null && break; done)
PYTHON ?= $(or $(NEWER_PYTHON),python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium
FLASK := $(BIN)/flask --app blog

.PHONY: run test lint bench setup setup-dev browser db clean

## run: set up, migrate, seed demo members and articles, serve at http://127.0.0.1:$(PORT)
run: export BLOG_ENV ?= development
run: export BASE_URL ?= http://127.0.0.1:$(PORT)
run: setup
	$(FLASK) init-db
	$(FLASK) seed-demo --if-empty --users 12 --articles 60 --comments 150 --likes 300 --follows 40 --seed 1
	PORT=$(PORT) $(BIN)/python wsgi.py

## test: set up and run the whole suite (SQLite; set DATABASE_URL for PostgreSQL)
test: setup-dev browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## lint: ruff over the code and tests
lint: setup-dev
	$(BIN)/ruff check blog tests scripts wsgi.py

## bench: seed a throw-away SQLite database, serve it, measure the main pages (BENCH_ARGS="--help")
bench: setup
	$(BIN)/python scripts/benchmark.py $(BENCH_ARGS)

setup: $(VENV)/.runtime-installed
setup-dev: $(VENV)/.dev-installed

$(VENV)/.runtime-installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt $(VENV)/.runtime-installed
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# The browser tests drive Debian's chromium; Playwright's own download does not work here.
browser:
	@if [ ! -x $(CHROMIUM) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "The browser tests need chromium: sudo apt-get install chromium" >&2; exit 1; \
	  fi; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
