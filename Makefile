# egov — the two commands of the quick start are `make run` and `make test`.
# Every target sets up what it needs: the virtualenv, dependencies and system packages.

# The first interpreter that runs and is Python ≥ 3.12 (a pyenv shim may exist without its Python);
# empty when there is none, and then the virtualenv step stops with a clear message.
PYTHON ?= $(shell for candidate in python3.14 python3.13 python3.12 python3; do \
	$$candidate -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 \
	&& { echo $$candidate; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
# Installs the Debian packages it is given when they are missing (apt-get), saying which.
ENSURE_PACKAGES ?= scripts/ensure-system-packages.sh
# gettext: msgfmt for translations · tesseract-ocr(-vie), ghostscript, poppler-utils: OCR of scans
# (OCRmyPDF) and page previews · fonts-noto-core: every Vietnamese diacritic in generated PDFs ·
# libpango: WeasyPrint's text layout · libmagic1: file-type sniffing of uploads ·
# softhsm2: a software token standing in for a USB signing token (PKCS#11)
SYSTEM_PACKAGES_RUN := gettext tesseract-ocr tesseract-ocr-vie ghostscript poppler-utils fonts-noto-core \
	libpango-1.0-0 libpangoft2-1.0-0 libmagic1 softhsm2
# postgresql-client: pg_dump and pg_restore for the backup test on PostgreSQL
SYSTEM_PACKAGES_TEST := $(SYSTEM_PACKAGES_RUN) chromium postgresql-client

export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test e2e lint typecheck check bench messages clean help

help:
	@echo "make run    — set up and serve egov on http://$(HOST):$(PORT) with the task worker"
	@echo "make test   — set up and run the whole test suite (DATABASE_URL picks the database)"
	@echo "make lint   — ruff, import-linter, migrations check;  make typecheck — mypy strict"
	@echo "make check  — lint + typecheck + test (what CI runs)"

$(BIN)/activate:
	@test -n "$(PYTHON)" || { echo "egov needs Python 3.12 or newer, and none was found (tried python3.14," \
		"python3.13, python3.12, python3). Install one (Debian 13: apt-get install python3), or name it:" \
		"make PYTHON=/path/to/python3.13 $(MAKECMDGOALS)" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install -q -e ".[dev]"
	@touch $@

locale/%.mo: locale/%.po
	msgfmt --check -o $@ $<

# djangojs: the admin's scripts (its calendar, its time-zone note)
messages: locale/vi/LC_MESSAGES/django.mo locale/vi/LC_MESSAGES/djangojs.mo

setup: $(VENV)/.installed
	@$(ENSURE_PACKAGES) $(SYSTEM_PACKAGES_RUN)
	@$(MAKE) -s messages

# Everything egov writes as an absolute address (links, QR codes, the simulators, the demo PKI)
# follows where it runs (settings.SITE_URL); set EGOV_SITE_URL yourself for a proxy or public name.
run: export EGOV_HOST := $(HOST)
run: export EGOV_PORT := $(PORT)
run: export EGOV_DEMO ?= 1
run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py collectstatic --noinput -v 0
	@scripts/run.sh $(HOST) $(PORT) $(WORKERS)

test: setup
	@$(ENSURE_PACKAGES) $(SYSTEM_PACKAGES_TEST)
	@$(MAKE) -s node_modules/axe-core/axe.min.js
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

# axe-core, the accessibility checker the browser tests inject; Node.js and npm from Debian when
# they are missing.
node_modules/axe-core/axe.min.js:
	@command -v npm >/dev/null 2>&1 || $(ENSURE_PACKAGES) nodejs npm
	npm ci --no-audit --no-fund
	@touch $@

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

typecheck: $(VENV)/.installed
	$(BIN)/mypy egov config

# Load tests against PostgreSQL (DATABASE server on 127.0.0.1:5432): builds the dataset, measures
# pgbench and a bare Django pair as baselines, then egov's scenarios; rewrites the generated part of
# docs/performance.md. SIZE=province (2 M dossiers) or nation-slice (10 M) for the larger runs.
# wrk — the HTTP load generator; postgresql-client — pgbench, the database's own baseline.
SIZE ?= small
bench: setup
	@$(ENSURE_PACKAGES) wrk postgresql-client
	$(PY) bench/run.py --size $(SIZE) $(BENCH_ARGS)

check: lint typecheck test

clean:
	rm -rf $(VENV) var
