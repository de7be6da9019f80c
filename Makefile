# Quick start:  make run   (the app on the built-in demo area, no network needed)
#               make test  (the whole test suite, as CI runs it)
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PORT   ?= 8501
# axe-core (accessibility rules) for the browser tests, installed locally into .axe/ (pinned).
AXE_VERSION := 4.14.1
AXE := .axe/node_modules/axe-core/axe.min.js

.PHONY: run test install browser axe lint bench clean

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet -c constraints.txt -e '.[dev]'
	@# bytecode now, as pip does for a regular install: an editable one compiles at first
	@# use, and never where PYTHONDONTWRITEBYTECODE is set (then every start recompiles)
	$(PY) -m compileall -q ecoplan
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/streamlit run app.py --server.headless=true --server.address=127.0.0.1 \
		--server.port=$(PORT) --browser.gatherUsageStats=false

# Browser tests need Debian's Chromium; install it when we can (root), else they skip.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		 chromium poppler-utils >/dev/null) || echo "chromium not installed: e2e tests will skip"; }
	@command -v pdftoppm >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils >/dev/null || true; }

# axe-core from npm into .axe/ (git-ignored); without npm the accessibility checks skip.
axe:
	@[ -f $(AXE) ] && grep -q '"version": "$(AXE_VERSION)"' .axe/node_modules/axe-core/package.json \
		|| { command -v npm >/dev/null 2>&1 && npm install --prefix .axe --no-save --no-audit \
		--no-fund --silent axe-core@$(AXE_VERSION) || echo "axe-core not installed (no npm or no network): axe checks will skip"; }

# ruff (incl. C901, complexity ≤ 15) and mypy over ecoplan/ (config in pyproject.toml) run
# before the tests: a finding fails `make test`.
test: $(STAMP) browser axe lint
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(PY) -m mypy

bench: $(STAMP)
	$(PY) -m pip install --quiet -c constraints.txt -e '.[bench]' || true
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) static artifacts .axe .pytest_cache .hypothesis .mypy_cache
