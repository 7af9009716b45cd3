# The workbook's two commands: `make lab` and `make test`. Both build .venv first when needed.
# Also: `make site` (the notebooks as static HTML) and `make browser` (Chromium for the tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LAB_STAMP := $(VENV)/.installed-lab
TEST_STAMP := $(VENV)/.installed-test
LAB_PORT ?= 8888
NOTEBOOKS ?= $(sort $(wildcard notebooks/0*.ipynb))
# Jupyter refuses to run as root unless told; containers often run as root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab test browser hub-proxy site workbook answers translations clean-venv

# The environment: installed only when pyproject.toml or the installer changes, so a second
# run installs nothing. `make lab` installs what a participant needs (tools/install.py lab:
# on Linux without an NVIDIA GPU, PyTorch's CPU-only build); `make test` adds the test tools.
$(LAB_STAMP): pyproject.toml tools/install.py jupyter/overrides.json
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed; PYTHON=... make selects another one.")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python tools/install.py lab
	@touch $@

$(TEST_STAMP): $(LAB_STAMP)
	$(BIN)/python tools/install.py test
	@touch $@

# JupyterLab on notebooks/, reachable from this computer only, with its login token on.
lab: $(LAB_STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks --ServerApp.ip=127.0.0.1 --ServerApp.port=$(LAB_PORT) $(ALLOW_ROOT) $(LAB_ARGS)

test: $(TEST_STAMP) browser hub-proxy
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# The browser test (tests/test_browser.py) drives Debian's Chromium through Playwright;
# Playwright's own browser download cannot work offline. Installed when missing, where
# this shell is root with apt-get (CI, containers); elsewhere the browser test skips and
# says why. A failed install does not stop `make test`: the browser test reports it.
CHROMIUM ?= /usr/bin/chromium
browser:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Chromium (Debian's package) for the browser test"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null) \
			|| echo "Could not install Chromium: the browser test will say so."; \
	else \
		echo "No $(CHROMIUM), and no root apt-get to install it: the browser test will be skipped."; \
	fi

# The workshop hub's proxy, configurable-http-proxy, is a Node.js program from npm: the hub
# test (tests/test_hub.py) and the rehearsal (workshop/hub/rehearsal.py) find it in
# .venv/node_modules. Installed where npm is; elsewhere the hub test skips and says why.
PROXY := $(VENV)/node_modules/.bin/configurable-http-proxy
hub-proxy: $(LAB_STAMP)
	@if [ -x $(PROXY) ]; then :; \
	elif command -v npm >/dev/null; then \
		echo "Installing configurable-http-proxy (npm) for the hub test"; \
		npm install --silent --no-audit --no-fund --prefix $(VENV) "configurable-http-proxy@>=4.6 <6" \
			|| echo "Could not install configurable-http-proxy: the hub test will say so."; \
	else \
		echo "No npm to install configurable-http-proxy with: the hub test will be skipped."; \
	fi

# The committed notebooks, outputs as they are (nothing is re-run), as static HTML pages
# with an index: open build/site/index.html. Builds offline.
SITE := build/site
site: $(LAB_STAMP)
	$(BIN)/python tools/build_site.py $(SITE)

# Execute every notebook top to bottom on a fresh kernel, saving its outputs in place:
# the committed notebooks are this target's output. It also prints each notebook's run time
# and peak memory (benchmarks/notebooks.py). Training runs go to a folder of this target's
# own, emptied first, so notebook 03 trains from scratch rather than resuming. The Chinese
# notebooks are then rebuilt from the new outputs (make translations).
# One notebook only: make workbook NOTEBOOKS=notebooks/01_what_is_a_gan.ipynb
WORKBOOK_RUNS := build/workbook-runs
workbook: $(LAB_STAMP)
	rm -rf $(WORKBOOK_RUNS) && mkdir -p $(WORKBOOK_RUNS)
	GANLIB_RUNS=$(CURDIR)/$(WORKBOOK_RUNS) $(BIN)/python -m benchmarks.notebooks --in-place $(NOTEBOOKS)
	$(BIN)/python tools/translations.py

# The facilitators' answer sheet, workshop/answers.md, made from the notebooks' hidden
# solutions (a test fails when it is out of date).
answers: $(LAB_STAMP)
	$(BIN)/python workshop/make_answers.py

# The Chinese edition: notebooks/zh-CN/ built from the English notebooks and translations/zh-CN/
# (nothing is executed), the glossary's GLOSSARY.md, and the Chinese answer sheet. It then
# lists any cell whose translation is missing or made from an older English text.
translations: $(LAB_STAMP)
	$(BIN)/python tools/translations.py
	$(BIN)/python workshop/make_answers.py

clean-venv:
	rm -rf $(VENV)
