"""Which database the suite ran on, so that the PostgreSQL run cannot quietly run on SQLite.

`make test` runs the whole suite twice: on SQLite (no HAVEN_DATABASE_URL), and on a throw-away
PostgreSQL server that scripts/with-postgres.sh starts and points HAVEN_DATABASE_URL at. The tests
here check that the database in use is the one HAVEN_DATABASE_URL names (a settings change that
falls back to SQLite fails here), and, in CI (CI=true), that the run with HAVEN_DATABASE_URL set
really is on PostgreSQL. The engine and server version land in the JUnit XML as properties.

The `postgresql` marker (registered in pyproject.toml) is for tests only meaningful on PostgreSQL
(triggers, constraints SQLite lacks, locking). The rule:

- on the PostgreSQL run (HAVEN_DATABASE_URL set), a `postgresql` test never skips: when it cannot
  run there, that is a failure;
- on SQLite (HAVEN_DATABASE_URL unset) it skips, with the reason.

tests/conftest.py applies the rule to the whole suite; the `_postgresql_only` fixture below applies
the same rule to this module on its own.
"""

import os

import dj_database_url
import pytest
from django.db import connection

DATABASE_URL = os.environ.get("HAVEN_DATABASE_URL", "")
IN_CI = os.environ.get("CI") == "true"
POSTGRESQL_SCHEMES = ("postgres://", "postgresql://", "pgsql://", "postgis://")


@pytest.fixture(autouse=True)
def _postgresql_only(request):
    if request.node.get_closest_marker("postgresql") is None:
        return
    if not DATABASE_URL:
        pytest.skip("needs PostgreSQL: runs in the PostgreSQL run of `make test` (scripts/with-postgres.sh)")
    if not DATABASE_URL.startswith(POSTGRESQL_SCHEMES):
        pytest.fail(f"a `postgresql` test in a run on {DATABASE_URL.split(':', 1)[0]}", pytrace=False)


def test_the_database_in_use_is_the_configured_one(db, record_testsuite_property):
    settings_dict = connection.settings_dict
    record_testsuite_property("database_vendor", connection.vendor)
    record_testsuite_property("database_version", ".".join(map(str, connection.get_database_version())))
    if not DATABASE_URL:
        assert connection.vendor == "sqlite"
        return
    configured = dj_database_url.parse(DATABASE_URL)
    assert settings_dict["ENGINE"] == configured["ENGINE"], "HAVEN_DATABASE_URL is set but not used"
    if configured["ENGINE"] != "django.db.backends.sqlite3":
        assert (settings_dict["HOST"], str(settings_dict["PORT"])) == (configured["HOST"], str(configured["PORT"]))
        # pytest-django ran the suite in its own test database on that server.
        assert settings_dict["NAME"] == f"test_{configured['NAME']}"
    if DATABASE_URL.startswith(POSTGRESQL_SCHEMES):
        assert connection.vendor == "postgresql"
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_database(), version()")
            database, version = cursor.fetchone()
        assert database == settings_dict["NAME"]
        record_testsuite_property("database_server", version)


@pytest.mark.skipif(not IN_CI, reason="the CI rule: only checked with CI=true")
def test_in_ci_the_run_with_a_database_url_is_on_postgresql(db):
    """CI runs the suite on SQLite and on PostgreSQL; neither may turn into the other."""
    if DATABASE_URL:
        assert DATABASE_URL.startswith(POSTGRESQL_SCHEMES), "CI's second run must be on PostgreSQL"
        assert connection.vendor == "postgresql"
    else:
        assert connection.vendor == "sqlite"


@pytest.mark.postgresql
def test_the_postgresql_server_speaks_utf8_in_utc(db):
    """The server Haven runs on: UTF-8 (Dutch names), and sessions in UTC (Django's USE_TZ)."""
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('server_encoding'), current_setting('TimeZone'), "
            "current_setting('server_version_num')::int"
        )
        encoding, timezone, version = cursor.fetchone()
    assert encoding == "UTF8"
    assert timezone == "UTC"
    assert version >= 140000, "Django 5.2 needs PostgreSQL 14 or newer"
