# PINE: `make demo` to run it, `make test` to test it. Everything installs from requirements/lock.txt.
SHELL := /bin/bash
PYTHON ?= python3.11
UV_VERSION := 0.13.8
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Parallel test processes (pytest-xdist); browser journeys each get their own live server and database.
TEST_WORKERS ?= 2
GOVUK := src/pine/core/static/govuk
# The browser the journeys drive: Debian's package, installed by scripts/system-packages when missing.
CHROMIUM ?= /usr/bin/chromium
export UV_PYTHON_DOWNLOADS := never

.PHONY: demo test test-fast lint format typecheck bench bench-quick install static system-packages clean

demo: install static
	scripts/system-packages --documents
	@mkdir -p var
	PINE_ENV=development $(BIN)/pine migrate --no-input
	PINE_ENV=development $(BIN)/pine demo-data
	@echo "PINE is starting on http://127.0.0.1:$(PORT) (Ctrl-C to stop)"
	PINE_ENV=development PORT=$(PORT) $(BIN)/pine serve

test: install static system-packages
	@mkdir -p var
	PINE_CHROMIUM=$(CHROMIUM) PINE_ENV=test $(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

test-fast: install static
	scripts/system-packages --documents
	PINE_ENV=test $(BIN)/pytest -n $(TEST_WORKERS) -m "not browser" $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install
	PINE_ENV=test $(BIN)/mypy src/pine

bench: install
	for script in bench/*_bench.py; do PINE_ENV=test $(BIN)/python $$script || exit 1; done

install: $(VENV)/.installed

# Chromium for the browser journeys, Pango and Cairo for PDFs and diagrams: Debian's packages, when missing.
system-packages:
	PINE_CHROMIUM=$(CHROMIUM) scripts/system-packages

# Reinstalled only when the lock file or the project's metadata changes, so a second `make demo` is quick.
$(VENV)/.installed: requirements/lock.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	test -x $(BIN)/uv || $(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip sync --quiet --python $(BIN)/python --require-hashes requirements/lock.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --editable .
	touch $@

static: $(GOVUK)/.copied

# GOV.UK Frontend comes from the npm registry at the version in package-lock.json, copied into static.
# Its CSS points at /assets/; we rewrite that to a relative path so it works under STATIC_URL.
$(GOVUK)/.copied: package-lock.json
	npm ci --no-audit --no-fund --silent
	rm -rf $(GOVUK) && mkdir -p $(GOVUK)
	cp -r node_modules/govuk-frontend/dist/govuk/assets $(GOVUK)/assets
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js* $(GOVUK)/
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css.map $(GOVUK)/
	sed 's#url(/assets/#url(assets/#g' node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css \
		> $(GOVUK)/govuk-frontend.min.css
	touch $@

lock:
	$(BIN)/uv pip compile pyproject.toml --group dev --generate-hashes --python-version 3.11 --universal \
		-o requirements/lock.txt --quiet

clean:
	rm -rf $(VENV) node_modules $(GOVUK) var .pytest_cache
