# Copse: `make run` to try it (as production runs it), `make dev` to develop with
# debug on, `make test` to check it. Nothing else is needed on a machine with
# Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run dev test faults page-audit lint install install-dev demo lock bench clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.installed-dev: requirements-dev.lock $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# `make run` serves the site as production does: debug off, static files
# collected and served by WhiteNoise, the product's own error pages, a secret key
# generated into var/secret_key. `make dev` is the same with Django's debug on
# (tracebacks in the browser; never expose it beyond this machine).
run: install
	COPSE_DEBUG=0 $(BIN)/copse migrate --noinput
	COPSE_DEBUG=0 $(BIN)/copse collectstatic --noinput --verbosity 0
	COPSE_DEBUG=0 $(BIN)/copse demo --if-empty --no-logins
	COPSE_DEBUG=0 $(BIN)/copse serve --with-worker --print-logins --port $(PORT)

dev: install
	COPSE_DEBUG=1 $(BIN)/copse migrate --noinput
	COPSE_DEBUG=1 $(BIN)/copse demo --if-empty --no-logins
	COPSE_DEBUG=1 $(BIN)/copse serve --with-worker --print-logins --port $(PORT)

lint: install-dev
	$(BIN)/ruff check .

# The suite runs on SQLite, then again on PostgreSQL when COPSE_TEST_DATABASE_URL
# is set (.ci/run sets it), each on every core (pytest-xdist; each worker has
# its own test database). Browser tests need Debian's chromium at /usr/bin/chromium.
TEST_WORKERS ?= auto
test: install-dev
	$(BIN)/ruff check .
	DATABASE_URL= $(BIN)/pytest -q -n $(TEST_WORKERS)
	@if [ -n "$$COPSE_TEST_DATABASE_URL" ]; then \
		echo "== again on PostgreSQL =="; \
		DATABASE_URL="$$COPSE_TEST_DATABASE_URL" $(BIN)/pytest -q -n $(TEST_WORKERS); \
	else \
		echo "COPSE_TEST_DATABASE_URL is not set: PostgreSQL run skipped."; \
		if [ "$$CI" = "true" ]; then echo "CI needs PostgreSQL" >&2; exit 1; fi; \
	fi

# Real processes on loopback put through the faults an operator meets; prints a
# table of what held. Each test stops itself; the whole suite takes minutes.
faults: install-dev
	DATABASE_URL= $(BIN)/pytest -q -p no:randomly faults

# Every page of the demo, as each role: the Nu HTML checker (the vnu-jar npm
# package, installed into .cache/ when missing, run with Debian's Java) and
# axe-core in Chromium at desktop and phone widths; prints a summary. Once, on
# SQLite: the markup does not depend on the database.
VNU_VERSION := 26.9.27
VNU_JAR := $(CURDIR)/.cache/vnu-jar-$(VNU_VERSION)/node_modules/vnu-jar/build/dist/vnu.jar

# --ignore-scripts: the package's install script would fetch a Java runtime of its own.
$(VNU_JAR):
	npm install --prefix $(CURDIR)/.cache/vnu-jar-$(VNU_VERSION) --no-save --ignore-scripts \
		--no-audit --no-fund --loglevel=error vnu-jar@$(VNU_VERSION)

page-audit: install-dev $(VNU_JAR)
	@command -v java >/dev/null || { echo "The HTML check needs Java (apt-get install default-jre-headless)." >&2; exit 1; }
	DATABASE_URL= COPSE_VNU_JAR=$(VNU_JAR) $(BIN)/pytest -q -p no:randomly page_audit

# Extract the strings marked for translation into each app's French
# catalogue and compile them (docs/languages.md). Needs GNU gettext.
# APPS="library meetings" limits it to some apps.
messages: install-dev
	$(BIN)/python scripts/messages.py $(APPS)

demo: install
	$(BIN)/copse migrate --noinput
	$(BIN)/copse demo

# Every benchmark (bench/README.md), then one table of their figures with the
# load average at the start and the end. BENCH_ARGS=--quick: small data, a
# smoke run of minutes whose figures are not to report.
bench: install-dev
	$(BIN)/python bench/all.py $(BENCH_ARGS)

lock: $(BIN)/python
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --strip-extras -o requirements.lock pyproject.toml
	$(BIN)/pip-compile --quiet --strip-extras --extra dev -o requirements-dev.lock pyproject.toml
	$(BIN)/python scripts/tidy_lock.py

clean:
	rm -rf $(VENV) var/staticfiles
