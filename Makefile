# The course's two commands:   make lab   (install, then open JupyterLab)
#                              make test  (install, then run every test and notebook)
# Both create .venv on first use and reinstall only when requirements.txt or
# pyproject.toml change.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Where JupyterLab listens. Override with e.g. `make lab PORT=8890`.
PORT   ?= 8888
LAB_ARGS ?=
# Jupyter refuses to start as root unless told; CI machines and containers run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

export TF_CPP_MIN_LOG_LEVEL ?= 2
export PYTHONDONTWRITEBYTECODE = 1

.PHONY: install lab test test-unit test-notebooks test-browser lint clean-venv help

help:
	@echo "make lab    - install what is needed and open the course in JupyterLab"
	@echo "make test   - install what is needed and run the unit tests and every notebook (quick mode)"
	@echo "make lint   - ruff over helpers, tests and notebooks"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $(STAMP)

install: $(STAMP)

# Token authentication stays on: Jupyter prints the URL with its token.
# Set JUPYTER_TOKEN to choose the token yourself.
lab: $(STAMP)
	$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) \
	    --ServerApp.root_dir=notebooks $(ROOT_FLAG) $(LAB_ARGS)

test: $(STAMP)
	AE_FAST=1 $(BIN)/python -m pytest tests notebooks --ignore=tests/browser --nbval-lax --nbval-current-env \
	    --nbval-cell-timeout=600 $(PYTEST_ARGS)

test-unit: $(STAMP)
	$(BIN)/python -m pytest tests --ignore=tests/browser $(PYTEST_ARGS)

test-notebooks: $(STAMP)
	AE_FAST=1 $(BIN)/python -m pytest notebooks --nbval-lax --nbval-current-env \
	    --nbval-cell-timeout=600 $(PYTEST_ARGS)

# The real-browser test: JupyterLab runs the VAE notebook in Debian's Chromium
# (apt-get install chromium), driven by Playwright, which downloads no browser.
BROWSER_STAMP := $(VENV)/.installed-browser

$(BROWSER_STAMP): requirements-browser.txt $(STAMP)
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(BIN)/python -m pip install --quiet \
	    --disable-pip-version-check -r requirements-browser.txt
	@touch $(BROWSER_STAMP)

test-browser: $(BROWSER_STAMP)
	$(BIN)/python -m pytest tests/browser $(PYTEST_ARGS)

# The benchmark: every notebook in full mode, one at a time, then benchmarks/RESULTS.md.
# Options go in BENCH_ARGS, e.g. make bench BENCH_ARGS="--write-notebooks --longer --time-make-test"
# (python -m benchmarks.run --help lists them).
.PHONY: bench
bench: $(STAMP)
	$(BIN)/python -m benchmarks.run $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/python -m pip install --quiet ruff==0.17.5
	$(BIN)/ruff check helpers tests benchmarks notebooks

clean-venv:
	rm -rf $(VENV)
