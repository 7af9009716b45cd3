# The workbook's two commands: `make lab` and `make test`. Both build .venv first when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LAB_PORT ?= 8888
NOTEBOOKS ?= $(sort $(wildcard notebooks/0*.ipynb))
# Jupyter refuses to run as root unless told; containers often run as root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab test workbook clean-venv

# The environment: rebuilt only when pyproject.toml changes, so a second run installs nothing.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed; PYTHON=... make selects another one.")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[lab,test]"
	@touch $(STAMP)

# JupyterLab on notebooks/, reachable from this computer only, with its login token on.
lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) $(ALLOW_ROOT) $(LAB_ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Execute every notebook top to bottom on a fresh kernel, saving its outputs in place:
# the committed notebooks are this target's output. Training runs go to a folder of this
# target's own, emptied first, so notebook 03 trains from scratch rather than resuming.
# One notebook only: make workbook NOTEBOOKS=notebooks/01_what_is_a_gan.ipynb
WORKBOOK_RUNS := build/workbook-runs
workbook: $(STAMP)
	rm -rf $(WORKBOOK_RUNS) && mkdir -p $(WORKBOOK_RUNS)
	@for notebook in $(NOTEBOOKS); do \
		echo "== $$notebook"; \
		GANLIB_RUNS=$(CURDIR)/$(WORKBOOK_RUNS) $(BIN)/papermill --cwd notebooks --kernel python3 "$$notebook" "$$notebook" || exit 1; \
	done

clean-venv:
	rm -rf $(VENV)
