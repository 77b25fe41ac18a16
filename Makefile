# The course's two commands:   make lab   (install, then open JupyterLab)
#                              make test  (install, then run every test and notebook)
# Both create .venv on first use and reinstall only when requirements.txt,
# constraints.txt or pyproject.toml change. `make help` lists every target.

PYTHON ?= python3
# Another environment beside .venv, e.g. CI's second Python: make test-unit VENV=.venv-py3.13 PYTHON=python3.13
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Where JupyterLab listens. Override with e.g. `make lab PORT=8890`.
PORT   ?= 8888
LAB_ARGS ?=
# Jupyter refuses to start as root unless told; CI machines and containers run as root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)

export TF_CPP_MIN_LOG_LEVEL ?= 2
export PYTHONDONTWRITEBYTECODE = 1

.PHONY: install lab test test-unit test-notebooks test-browser lint clean-venv help kernel uninstall-kernel

# `make help` lists every target that has a `## ` description on its rule line (tests/test_commands.py
# checks that every target does), so the list cannot drift from the Makefile.
help: ## list the targets
	@echo "Targets (make TARGET):"
	@awk -F ':.*## ' '/^[a-zA-Z_-]+:.*## / { printf "  %-17s %s\n", $$1, $$2 }' $(firstword $(MAKEFILE_LIST))

# The interpreter is checked before .venv is created (tools/check_python.py: a supported
# version, as requires-python in pyproject.toml says, with venv and ensurepip present), so
# another Python stops here with a short message instead of in pip, and no half-made .venv stays.
GOAL = $(or $(firstword $(MAKECMDGOALS)),install)
$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: cannot run '$(PYTHON)': no such command." \
	    "The course needs a Python that matches $$(sed -n 's/^requires-python *= *//p' pyproject.toml)" \
	    "(pyproject.toml); name one with e.g. make $(GOAL) PYTHON=python3.12" >&2; exit 1; }
	@$(PYTHON) tools/check_python.py --goal $(GOAL)
	@echo "$(PYTHON) -m venv $(VENV)"; existed=$$([ -e $(VENV) ] && echo yes); \
	$(PYTHON) -m venv $(VENV) || { if [ -n "$$existed" ]; then kept="$(VENV) existed before and is left as it was"; \
	    else rm -rf $(VENV); kept="the half-made $(VENV) is removed"; fi; \
	    echo "make: '$(PYTHON) -m venv $(VENV)' failed (see above); $$kept." >&2; exit 1; }

# Everything is installed through constraints.txt, the versions of one clean install (make lock);
# the package's own dependencies (pyproject.toml) are installed and checked, not skipped.
PIP := $(BIN)/python -m pip --disable-pip-version-check
$(STAMP): requirements.txt constraints.txt pyproject.toml lab/ipython_kernel_config.py | $(BIN)/python
	$(PIP) install --quiet -r requirements.txt -c constraints.txt
	$(PIP) install --quiet -e . -c constraints.txt
	$(PIP) check
	mkdir -p $(VENV)/etc/ipython && cp lab/ipython_kernel_config.py $(VENV)/etc/ipython/
	@touch $(STAMP)

install: $(STAMP) ## create .venv and install the pinned course environment (the other targets do it first)

# How the lab is served (the repository root, 127.0.0.1, the token, no port retries, no news,
# the first notebook opened) is in lab/jupyter_lab_config.py, which the browser test uses too.
# Jupyter prints the URL with its token; set JUPYTER_TOKEN to choose the token yourself.
lab: $(STAMP) ## install what is needed and open the course in JupyterLab
	$(BIN)/jupyter lab --config=lab/jupyter_lab_config.py --ServerApp.port=$(PORT) $(ROOT_FLAG) $(LAB_ARGS)

# Your runs and edits of the notebooks are yours: no target overwrites them. This one, only
# when you ask, saves your versions in notebooks-backup/<time>/ and restores the shipped ones.
.PHONY: reset-notebooks
reset-notebooks: ## back up your versions of the notebooks, then restore the course as shipped
	$(PYTHON) -m tools.shipped reset

# ruff (pinned in requirements.txt) runs first: make test fails on a lint error.
LINT_PATHS := helpers tests benchmarks tools notebooks
# Two pytest-xdist workers share the tests out one file at a time (--dist loadfile), so a
# notebook's cells run in order in one worker and one kernel, as nbval needs, while the other
# worker runs another file: the mostly single-threaded unit tests fill the gaps the notebooks'
# kernels leave on a 2-core machine. The notebooks come first (the longest files start first).
# TEST_WORKERS=0 runs everything in one process, as before.
TEST_WORKERS ?= 2
XDIST = $(if $(filter-out 0,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadfile,)
test: $(STAMP) ## lint, then the unit tests and every notebook in quick mode
	$(BIN)/ruff check $(LINT_PATHS)
	AE_FAST=1 $(BIN)/python -m pytest notebooks tests --ignore=tests/browser --nbval-lax --nbval-current-env \
	    --nbval-cell-timeout=600 $(XDIST) $(PYTEST_ARGS)

test-unit: $(STAMP) ## the unit tests only (tests/, no notebooks, no browser)
	$(BIN)/python -m pytest tests --ignore=tests/browser $(PYTEST_ARGS)

test-notebooks: $(STAMP) ## every notebook in quick mode, through nbval
	AE_FAST=1 $(BIN)/python -m pytest notebooks --nbval-lax --nbval-current-env \
	    --nbval-cell-timeout=600 $(XDIST) $(PYTEST_ARGS)

# The real-browser test: JupyterLab runs the VAE notebook in Debian's Chromium
# (apt-get install chromium), driven by Playwright, which downloads no browser.
BROWSER_STAMP := $(VENV)/.installed-browser

$(BROWSER_STAMP): requirements-browser.txt $(STAMP)
	PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 $(PIP) install --quiet -r requirements-browser.txt -c constraints.txt
	@touch $(BROWSER_STAMP)

test-browser: $(BROWSER_STAMP) ## the real-browser test (needs Debian's chromium)
	$(BIN)/python -m pytest tests/browser $(PYTEST_ARGS)

# The benchmark (benchmarks/run.py): every notebook in full and quick mode for 3 seeds, each claim's
# margin, then benchmarks/RESULTS.md. Options in BENCH_ARGS, e.g. BENCH_ARGS="--write-notebooks --time-make-test".
.PHONY: bench
bench: $(STAMP) ## every notebook in full and quick mode, 3 seeds, then benchmarks/RESULTS.md (BENCH_ARGS=...)
	$(BIN)/python -m benchmarks.run --offline-quick $(BENCH_ARGS)

lint: $(STAMP) ## ruff check over helpers, tests, benchmarks, tools and notebooks (also part of make test)
	$(BIN)/ruff check $(LINT_PATHS)

# Regenerate constraints.txt from a clean install in a throwaway environment (tools/lock.sh);
# run it after changing requirements*.txt or the dependencies in pyproject.toml.
.PHONY: lock
lock: ## regenerate constraints.txt from a clean install of requirements*.txt and the package
	bash tools/lock.sh $(PYTHON)

clean-venv: ## delete .venv (the next make reinstalls it)
	rm -rf $(VENV)

# The course's environment as a kernel for a JupyterLab you already run (system-wide, conda,
# a JupyterHub on this machine): registered for the current user, removed by uninstall-kernel.
KERNEL_NAME ?= autoencoders-course
kernel: $(STAMP) ## register .venv as a Jupyter kernel for a JupyterLab you already run
	$(BIN)/python -m ipykernel install --user --name $(KERNEL_NAME) \
	    --display-name "Autoencoders course ($$($(BIN)/python -c 'import helpers; print("v" + helpers.__version__)'), $(abspath $(VENV)))" \
	    --env TF_CPP_MIN_LOG_LEVEL 2
	@echo "Pick the kernel \"Autoencoders course\" in your JupyterLab (Kernel > Change Kernel); make uninstall-kernel removes it."

uninstall-kernel: ## remove that kernel again
	@if [ -x $(BIN)/jupyter ]; then $(BIN)/jupyter kernelspec remove -y $(KERNEL_NAME); \
	else echo "make: $(BIN)/jupyter is not there; remove the kernel with: jupyter kernelspec remove $(KERNEL_NAME)" >&2; \
	    exit 1; fi
