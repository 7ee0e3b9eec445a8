"""Where the database router sends each read and write (haven/insights/routers.py).

The router is given its DATABASES here, so these tests mean the same on SQLite and on the
PostgreSQL run (where a real replica is configured: tests/integration/test_replica.py).
"""

import pytest
from django.contrib.sessions.models import Session
from django.db import DEFAULT_DB_ALIAS, router, transaction

from haven.accounts.models import User
from haven.audit.models import AuditEvent
from haven.insights.models import PublicFigure, Region, RollupCount, RollupState, RouteSnapshot
from haven.insights.routers import InsightsReplicaRouter
from haven.meldcode.models import Case, Signal
from haven.organisations.models import Board, Municipality, School

PRIMARY_ONLY = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "haven"}}
WITH_REPLICA = {**PRIMARY_ONLY, "replica": {"ENGINE": "django.db.backends.postgresql", "NAME": "haven"}}
INSIGHTS = [RollupCount, RouteSnapshot, RollupState, PublicFigure, Region, Region.municipalities.through]
EVERYTHING_ELSE = [Case, Signal, School, Board, Municipality, User, AuditEvent, Session]


def test_without_a_replica_the_router_has_no_opinion_so_everything_stays_on_default():
    plain = InsightsReplicaRouter(databases=PRIMARY_ONLY)
    for model in INSIGHTS + EVERYTHING_ELSE:
        assert plain.db_for_read(model) is None, model
        assert plain.db_for_write(model) is None, model
    assert plain.allow_migrate("default", "insights") is None
    assert plain.allow_relation(object(), object()) is None


def test_the_configured_router_without_a_replica_sends_everything_to_default(settings):
    # The settings of this run, as Django applies them; on the PostgreSQL run the suite turns
    # routing off for tests that did not ask for the replica (tests/conftest.py), as here.
    if "replica" in settings.DATABASES:
        pytest.skip("a replica is configured: tests/integration/test_replica.py covers this run")
    assert settings.DATABASE_ROUTERS == ["haven.insights.routers.InsightsReplicaRouter"]
    for model in INSIGHTS + EVERYTHING_ELSE:
        assert router.db_for_read(model) == DEFAULT_DB_ALIAS
        assert router.db_for_write(model) == DEFAULT_DB_ALIAS
    assert RollupCount.objects.all().db == DEFAULT_DB_ALIAS


def test_with_a_replica_only_insights_reads_go_there():
    routed = InsightsReplicaRouter(databases=WITH_REPLICA)
    for model in INSIGHTS:
        assert routed.db_for_read(model) == "replica", model
    for model in EVERYTHING_ELSE:
        # Explicitly the primary, not "no opinion": a school reached from a rollup read on the
        # replica (`rollup.school`) would otherwise be read where the rollup came from.
        assert routed.db_for_read(model) == DEFAULT_DB_ALIAS, model


def test_with_a_replica_every_write_goes_to_the_primary():
    routed = InsightsReplicaRouter(databases=WITH_REPLICA)
    for model in INSIGHTS + EVERYTHING_ELSE:
        assert routed.db_for_write(model) == DEFAULT_DB_ALIAS, model


def test_with_a_replica_migrations_run_on_the_primary_only_and_relations_cross():
    routed = InsightsReplicaRouter(databases=WITH_REPLICA)
    assert routed.allow_migrate("replica", "insights", "rollupcount") is False
    assert routed.allow_migrate("replica", "meldcode", "case") is False
    assert routed.allow_migrate("default", "insights", "rollupcount") is not False
    assert routed.allow_relation(RollupCount(), School()) is True


@pytest.mark.django_db
def test_inside_a_transaction_on_the_primary_insights_reads_stay_there():
    # pytest-django runs this test inside a transaction on default, as a service or a refresh
    # that writes rollups and reads them back in one transaction would: only the primary has them.
    routed = InsightsReplicaRouter(databases=WITH_REPLICA)
    with transaction.atomic():
        for model in INSIGHTS:
            assert routed.db_for_read(model) == DEFAULT_DB_ALIAS, model
