"""Fixtures that several integration test modules use: dossiers, the monitoring's schools, a migrated SQLite site."""

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

from haven.insights import metrics
from haven.meldcode.models import Case, Conversation
from haven.organisations.models import School
from tests import builders
from tests.factories import SchoolFactory
from tests.insights_data import LAST_YEAR, rollup
from tests.processes import SqliteSite, manage
from tests.support import ON_POSTGRESQL


@pytest.fixture
def dossier(cast) -> tuple[Case, Conversation]:
    """A dossier with a record of every kind, long enough to run over several pages."""
    return builders.documents_dossier(cast)


@pytest.fixture
def full_case(cast) -> Case:
    return builders.full_case(cast)


@pytest.fixture
def school_c(cast) -> School:
    """A third school of the board and the municipality: now both show figures."""
    return SchoolFactory(
        name="IKC De Esch", brin_code="56EF", board=cast.school_a.board, municipality=cast.school_a.municipality
    )


@pytest.fixture
def counted(cast, school_c):
    """Last calendar year's signals and reports per school: A 3 and 1, B 11 and 6, C 20 and 7."""
    month = date(LAST_YEAR.year, 3, 1)
    for school, signals, reports in ((cast.school_a, 3, 1), (cast.school_b, 11, 6), (school_c, 20, 7)):
        rollup(school, month, metrics.SIGNALS, signals)
        rollup(school, month, metrics.REPORTS, reports)
    return cast


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """An empty, migrated Haven SQLite database, copied by each test (migrating takes seconds)."""
    site = SqliteSite(tmp_path_factory.mktemp("migrated"))
    manage(site.env, "migrate", "--no-input", "-v", "0")
    return site.path


@pytest.fixture
def allow_flush(transactional_db) -> Iterator[None]:
    """The transactional test is emptied with TRUNCATE, which the audit trigger refuses unless the
    session says so (audit migration 0005)."""
    yield
    if ON_POSTGRESQL:
        with connection.cursor() as cursor:
            cursor.execute("SET haven.audit_allow_truncate = 'on'")
