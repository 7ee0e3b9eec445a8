#!/usr/bin/env bash
# Usage: scripts/serve.sh   (what `make serve` runs)
#
# Runs Haven in the production profile: checks the settings and the deployment checks, migrates,
# collects the static files into STATIC_ROOT (whitenoise serves them), then replaces itself with
# gunicorn (gunicorn.conf.py: HAVEN_BIND, default 127.0.0.1:8000; HAVEN_WORKERS, default
# 2 x cores + 1) against HAVEN_DATABASE_URL (default: the SQLite file under var/).
#
# The production profile needs HAVEN_SECRET_KEY, HAVEN_ALLOWED_HOSTS, HAVEN_ENCRYPTION_KEYS,
# HAVEN_SIGNING_KEY and HAVEN_AUDIT_KEYS (docs/operations.md); without them this stops with a
# message saying which one is missing.
# PY selects the Python (default .venv/bin/python).
set -euo pipefail
cd "$(dirname "$0")/.."

PY="${PY:-.venv/bin/python}"
export HAVEN_ENV=production
export DJANGO_SETTINGS_MODULE=haven.settings

say() { echo "serve: $*" >&2; }

# The settings refuse unsafe production values with ImproperlyConfigured; show that message alone,
# not a traceback.
if ! problem="$("$PY" - 2>&1 <<'PYTHON'
import sys

from django.core.exceptions import ImproperlyConfigured

try:
    import haven.settings  # noqa: F401
except ImproperlyConfigured as exc:
    print(exc)
    sys.exit(1)
PYTHON
)"; then
  say "Haven refuses to start in the production profile: $problem"
  say "Production needs HAVEN_SECRET_KEY (50+ random characters), HAVEN_ALLOWED_HOSTS (the host names"
  say "people use), HAVEN_ENCRYPTION_KEYS, HAVEN_SIGNING_KEY and HAVEN_AUDIT_KEYS (your own keys) and HAVEN_DEBUG off:"
  say "see docs/operations.md."
  exit 1
fi

# --deploy adds the production checks, such as the refusal of the published demo accounts.
"$PY" manage.py check --deploy --fail-level ERROR
"$PY" manage.py migrate --noinput
"$PY" manage.py collectstatic --noinput -v0

say "starting gunicorn on ${HAVEN_BIND:-127.0.0.1:8000}"
exec "$PY" -m gunicorn --config gunicorn.conf.py haven.wsgi:application
