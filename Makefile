# phieukin — the operator's entry points. See README.md.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: setup run test lint imports typecheck pytest bench messages clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

# The development server runs with DEBUG on; everywhere else DEBUG is off unless set.
run: export DEBUG ?= 1
run: setup
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: setup imports typecheck
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The layer, independence and purity contracts of pyproject.toml ([tool.importlinter]).
imports: setup
	$(VENV)/bin/lint-imports --no-cache

typecheck: setup
	$(VENV)/bin/mypy phieukin bench

# Two pytest-xdist workers (CI has two cores), a test file per worker at a time: each
# worker has its own test database, Redis databases (phieukin/testing/children.py) and
# free ports. PYTEST_WORKERS=0 runs everything in this process.
PYTEST_WORKERS ?= 2
pytest: setup
	DEBUG=1 $(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -q -n $(PYTEST_WORKERS) --dist loadfile

test: lint pytest

bench: export DEBUG ?= 1
bench: setup
	$(PY) -m bench

# Regenerate every app's vi catalogue (needs GNU gettext) and compile it. Django is set up
# from the project's root and only then moves into the app (makemessages works on the
# current directory): Celery's Django fixup puts the working directory first on sys.path,
# where an app's module (core/csp.py) would hide the library of the same name.
messages: setup
	for app in phieukin/*/locale; do \
	  DEBUG=1 $(PY) -c "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'phieukin.config.settings'); django.setup(); os.chdir('$$(dirname $$app)'); from django.core.management import call_command; call_command('makemessages', locale=['vi'], no_obsolete=True, ignore_patterns=['tests/*'], verbosity=0); call_command('compilemessages', locale=['vi'], verbosity=0)" || exit 1; \
	done

clean:
	rm -rf $(VENV) var
