"""schemathesis against the API's own OpenAPI schema (drf-spectacular), in-process against the WSGI
app with a valid key: no server error, no answer that contradicts the schema (status, content type,
body, headers), and no endpoint that answers without a valid key (`ignored_auth`). The summary is
printed at the end (`pytest -s`)."""

from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from haven.api import services as key_services
from haven.wsgi import application

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    ignored_auth,
]
SUMMARY: Counter[str] = Counter()


@pytest.fixture
def _the_test_connection_stays_open():
    """Django closes the database connection when a request ends; its test Client switches that off,
    and so must a call straight into the WSGI app, or PostgreSQL loses the test's transaction."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_keys(cast, settings, _the_test_connection_stays_open):
    """A region's key with both of its scopes, and a school's sync key (a region may not sync); the
    rate limit out of the way (it has its own test)."""
    settings.HAVEN_API_RATE_LIMIT = 10**9
    settings.ALLOWED_HOSTS = ["*"]
    region = key_services.create_key(cast.actor("region"), name="schemathesis", scopes=["intake", "aggregates"])
    school = key_services.create_key(cast.actor("admin"), name="schemathesis sync", scopes=["sync"])
    return {"region": region.text, "sync": school.text}


# Built from the code at collection (no request, no database), as /api/v1/schema/ serves it.
# (schemathesis' lazy `from_fixture` does not run on pytest 9: it sets a node attribute pytest removed.)
schema = schemathesis.openapi.from_dict(SchemaGenerator().get_schema(request=None, public=True))
schema.app = application


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@pytest.mark.django_db
def test_the_api_keeps_to_its_schema(case, api_keys):
    api_key = api_keys["sync" if case.path.endswith("/pupils/sync/") else "region"]
    response = case.call_and_validate(headers={"Authorization": f"Bearer {api_key}"}, checks=CHECKS)
    SUMMARY[f"{case.method} {case.path} -> {response.status_code}"] += 1
    assert response.status_code < 500


def test_print_the_summary():
    """Runs after the schemathesis test in this module (pytest keeps the order): the calls it made."""
    for line, count in sorted(SUMMARY.items()):
        print(f"schemathesis: {count:4d} x {line}")
