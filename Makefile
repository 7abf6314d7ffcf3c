# The project's commands. `make test` is what CI runs (.ci/run); `make demo` is a newcomer's first run.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: help test quick lint typecheck demo bench docs system-deps browser-deps clean

help:
	@echo "make test    lint, type-check, build the docs and run the whole test suite (what CI runs)"
	@echo "make quick   the test suite without the slow set"
	@echo "make demo    train an MLP on two moons and write plots and a graph into ./out/"
	@echo "make bench   benchmarks against micrograd and PyTorch (installs the bench extra)"
	@echo "make docs    build the documentation site with --strict into ./site/"

# Two installs into the same venv: the package with every optional feature (the `all` extra) for
# `make demo`, and with the dev tools as well (`dev`, which includes `all`) for everything else.
# The dev install stamps both, so `make demo` after `make test` installs nothing; `make test`
# after `make demo` adds the dev tools. The demo's install skips byte-compiling every module of
# every package (half its time); Python compiles the few the demo imports when it first runs.
# The dev install takes the `torch` extra too (the CPU build, torch==2.13.0, for the tests that
# compare with PyTorch): installed here once, so that no test spends minutes in pip.
DEMO_STAMP := $(VENV)/.installed-all

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,torch]'
	touch $@ $(DEMO_STAMP)

$(DEMO_STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --no-compile -e '.[all]'
	touch $@

# Graphviz's `dot` program is a system package, not a Python one: install it where we can. The
# tests need it; in CI (CI set) a dot that cannot be installed stops the run here, with the reason.
system-deps:
	@command -v dot >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Graphviz (dot) with apt-get"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null) \
	      || echo "warning: could not install graphviz with apt-get"; \
	  fi; \
	  command -v dot >/dev/null 2>&1 || { \
	    echo "Graphviz's dot is missing: install it (apt-get install graphviz, brew install graphviz)"; \
	    [ -z "$$CI" ] || exit 1; }; }

# Debian's chromium, the browser the playground's tests drive through Playwright (whose own
# browser downloads are never used): installed for the tests only, as dot is above.
browser-deps:
	@[ -x /usr/bin/chromium ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing chromium (for the playground's browser tests) with apt-get"; \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "warning: could not install chromium with apt-get"; \
	  fi; \
	  [ -x /usr/bin/chromium ] || { \
	    echo "Debian's chromium is missing: the browser tests skip without it (apt-get install chromium)"; \
	    [ -z "$$CI" ] || exit 1; }; }

lint: $(STAMP)
	$(BIN)/ruff check --no-cache .
	$(BIN)/ruff format --no-cache --check .

typecheck: $(STAMP)
	$(BIN)/mypy

test: $(STAMP) system-deps browser-deps lint typecheck docs
	$(BIN)/python -m pytest -n 2 --durations=10

quick: $(STAMP)
	$(BIN)/python -m pytest -n 2 -m "not slow" -q

demo: $(DEMO_STAMP) system-deps
	$(BIN)/opgrad demo --out out

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python benchmarks/run.py

docs: $(STAMP) system-deps
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict  # the variable silences a banner, not warnings

clean:
	rm -rf $(VENV) site out .mypy_cache .ruff_cache .pytest_cache .hypothesis
