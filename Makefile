# egov — the two commands of the quick start are `make run` and `make test`.
# Every target sets up what it needs: the virtualenv, dependencies and system packages.

PYTHON ?= $(shell command -v python3.13 >/dev/null 2>&1 && python3.13 -c 'import sys' 2>/dev/null && echo python3.13 || (command -v python3.12 >/dev/null && echo python3.12) || echo python3)
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
# gettext: msgfmt for translations · tesseract-ocr(-vie), ghostscript, poppler-utils: OCR of scans
# (OCRmyPDF) and page previews · fonts-noto-core: every Vietnamese diacritic in generated PDFs ·
# libpango: WeasyPrint's text layout · libmagic1: file-type sniffing of uploads ·
# softhsm2: a software token standing in for a USB signing token (PKCS#11)
SYSTEM_PACKAGES_RUN := gettext tesseract-ocr tesseract-ocr-vie ghostscript poppler-utils fonts-noto-core \
	libpango-1.0-0 libpangoft2-1.0-0 libmagic1 softhsm2
SYSTEM_PACKAGES_TEST := $(SYSTEM_PACKAGES_RUN) chromium

export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test e2e lint typecheck check bench messages clean help

help:
	@echo "make run    — set up and serve egov on http://$(HOST):$(PORT) with the task worker"
	@echo "make test   — set up and run the whole test suite (DATABASE_URL picks the database)"
	@echo "make lint   — ruff, import-linter, migrations check;  make typecheck — mypy strict"
	@echo "make check  — lint + typecheck + test (what CI runs)"

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(PY) -m pip install -q -e ".[dev]"
	@touch $@

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po
	msgfmt --check -o $@ $<

messages: locale/vi/LC_MESSAGES/django.mo

setup: $(VENV)/.installed
	@scripts/ensure-system-packages.sh $(SYSTEM_PACKAGES_RUN)
	@$(MAKE) -s messages

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py collectstatic --noinput -v 0
	@scripts/run.sh $(HOST) $(PORT) $(WORKERS)

test: setup
	@scripts/ensure-system-packages.sh $(SYSTEM_PACKAGES_TEST)
	@test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

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
	@scripts/ensure-system-packages.sh wrk postgresql-client
	$(PY) bench/run.py --size $(SIZE) $(BENCH_ARGS)

check: lint typecheck test

clean:
	rm -rf $(VENV) var
