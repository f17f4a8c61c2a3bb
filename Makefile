# Two commands on a fresh clone: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run setup test lint audit browser clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements-test.txt $(VENV)/.installed
	$(PIP) install --quiet -r requirements-test.txt
	touch $@

## setup: migrate the database, load the real reference data and the demo data (idempotent)
setup: $(VENV)/.installed
	$(PY) manage.py migrate --noinput --verbosity 0
	$(PY) manage.py load_reference
	$(PY) manage.py load_sla_template
	$(PY) manage.py seed_demo

## run: set everything up and serve the portal at http://$(HOST):$(PORT)
run: setup
	@echo "Serving the portal at http://$(HOST):$(PORT)/ (sign in with a demo login above; Ctrl-C stops it)"
	$(PY) manage.py runserver $(HOST):$(PORT)

## browser: Chromium from Debian's packages for the browser tests (skipped without it)
browser:
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "Installing Chromium from Debian's packages for the browser tests"; \
		(apt-get install -y -qq chromium >/dev/null 2>&1 || \
		 (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq chromium >/dev/null 2>&1)) || \
		echo "Chromium could not be installed: browser tests will be skipped"; \
	else echo "No /usr/bin/chromium: browser tests will be skipped (apt-get install chromium)"; fi

lint: $(VENV)/.installed-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	DJANGO_SETTINGS_MODULE=portal.settings.test $(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/bandit -c pyproject.toml -r . -q

## audit: known vulnerabilities in the installed requirements (pip-audit); says loudly when
## the advisory service cannot be reached (PORTAL_REQUIRE_AUDIT=1 makes that a failure)
audit: $(VENV)/.installed-test
	$(PY) tools/audit_dependencies.py

## test: install what tests need and run them all (SQLite unless DATABASE_URL is set):
## the tests of one process each on TEST_WORKERS processes (pytest-xdist, a database
## each), then those that share a Redis, a worker, Chromium or private services, in order.
## (Exit status 5 is "nothing selected", e.g. PYTEST_ARGS naming one file.)
TEST_WORKERS ?= 2
SHARED := worker or faults or browser or redis
test: $(VENV)/.installed-test browser lint audit
	$(VENV)/bin/pytest -n $(TEST_WORKERS) -m "not ($(SHARED))" $(PYTEST_ARGS) || [ $$? -eq 5 ]
	$(VENV)/bin/pytest -m "$(SHARED)" $(PYTEST_ARGS) || [ $$? -eq 5 ]

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache test-artifacts
