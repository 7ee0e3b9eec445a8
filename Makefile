# Two promises: `make demo` runs Haven with demo data; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# `make demo PORT=8001` when 8000 is taken.
PORT ?= 8000

.PHONY: demo serve test install lint messages vendor-static

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	mkdir -p var
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --port $(PORT)
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# The production profile with gunicorn and whitenoise (needs the HAVEN_* production settings:
# docs/operations.md): deployment checks, migrate, collectstatic, then gunicorn on HAVEN_BIND.
serve: $(STAMP)
	PY=$(PY) bash scripts/serve.sh

test: $(STAMP)
	bash scripts/ensure-test-system.sh
	bash scripts/ensure-axe.sh
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest
# Again on a throw-away PostgreSQL server (skipped with a message when PostgreSQL is not
# installed, a failure in CI). The browser tests test the UI, not the database: SQLite only.
	bash scripts/with-postgres.sh $(PY) -m pytest -p no:cacheprovider -m "not browser"

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Regenerate the Dutch catalogue after changing UI text; then fill in every new msgstr.
messages: $(STAMP)
	$(PY) manage.py makemessages --locale nl --no-obsolete --add-location file --ignore "tests/*" --ignore "var/*" --ignore "test-artifacts/*"
	$(PY) manage.py compilemessages --locale nl --ignore ".venv/*"

vendor-static:
	bash scripts/vendor-static.sh
