#!/usr/bin/env bash
# Installs the system packages the tests need when they are missing: Debian's Chromium and
# ChromeDriver for the browser tests, npm (with Node) to fetch axe-core for the accessibility test
# (scripts/ensure-axe.sh, which `make test` runs next), gettext for the translation checks, Pango
# (WeasyPrint's renderer) and poppler-utils for the PDF exports, and PostgreSQL's server
# binaries for the PostgreSQL run (scripts/with-postgres.sh starts its own throw-away server from
# them; the package's own cluster is not used).
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
# WeasyPrint renders the PDF exports with Pango; pdftotext and pdftoppm let the tests read them.
ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0 || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
command -v pdftotext >/dev/null 2>&1 || missing+=(poppler-utils)
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing system packages: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}" >&2
  # Outside CI the browser tests and the PostgreSQL run then skip with this reason; in CI they
  # must run.
  [ "${CI:-}" = "true" ] && exit 1
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}" >/dev/null
