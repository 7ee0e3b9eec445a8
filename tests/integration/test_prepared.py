"""Prepared queries (haven/infrastructure/prepared.py) return what the queryset they were built from returns."""

import inspect
import os
import subprocess
import sys
from datetime import date, datetime, timedelta
from unittest import mock

import django
import pytest
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Model
from django.db.models.query import get_related_populators
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from haven.infrastructure.prepared import ActorQuery, PreparedQuery, PreparedQueryDrift, fetch_together, group_by
from haven.meldcode import services
from haven.meldcode.models import CaseMember, Consultation, Signal, SignalAmendment
from haven.meldcode.queries import visible_cases
from tests.factories import PupilFactory


def _case_with_consultations(cast, n):
    case = services.open_case(
        cast.actor("af"), cast.signal("teacher", pupil=PupilFactory(school=cast.school_a)), lead=cast.ib
    )
    for i in range(n):
        services.record_consultation(
            cast.actor("af"), case, held_on=date(2026, 1, 1 + i), consulted="colleague", question=f"V{i}", advice="A"
        )
    return case


def test_a_prepared_query_returns_the_querysets_rows_fields_and_order(cast):
    first, second = _case_with_consultations(cast, 3), _case_with_consultations(cast, 2)
    of_case = PreparedQuery(lambda case_id: Consultation.objects.filter(case_id=case_id).order_by("-held_on"))
    for case in (first, second, first):
        expected = list(Consultation.objects.filter(case_id=case.pk).order_by("-held_on"))
        rows = of_case(case.pk)
        assert [row.pk for row in rows] == [row.pk for row in expected]
        # Encrypted fields come back decrypted, like through the queryset.
        assert [(row.question, row.held_on, row.recorded_by_id) for row in rows] == [
            (row.question, row.held_on, row.recorded_by_id) for row in expected
        ]
    assert of_case(0) == []


@override_settings(HAVEN_CHECK_PREPARED_QUERIES=False)  # the guard builds the queryset at every run, as in tests
def test_a_prepared_query_is_compiled_once_and_runs_as_one_query(cast):
    case = _case_with_consultations(cast, 2)
    built = []

    def build(case_id):
        built.append(case_id)
        return Consultation.objects.filter(case_id=case_id)

    of_case = PreparedQuery(build)
    of_case(case.pk)
    with CaptureQueriesContext(connection) as queries:
        assert len(of_case(case.pk)) == 2
    assert len(built) == 1
    assert len(queries.captured_queries) == 1


def test_a_prepared_query_keeps_its_other_parameters_and_joins(cast):
    case = _case_with_consultations(cast, 0)
    signal = case.signals.get()
    services.amend_signal(cast.actor("teacher"), signal, reason="Typfout", facts="Eerste correctie.")
    services.amend_signal(cast.actor("teacher"), signal, reason="Typfout", facts="Tweede correctie.")
    other = _case_with_consultations(cast, 0)
    services.amend_signal(cast.actor("teacher"), other.signals.get(), reason="Typfout", facts="Elders.")
    # A join and a constant besides the prepared value: only the value changes between runs.
    amended = PreparedQuery(
        lambda case_id: SignalAmendment.objects.filter(
            signal__case_id=case_id, signal__status=Signal.Status.IN_CASE
        ).order_by("pk")
    )
    assert [a.facts for a in amended(case.pk)] == ["Eerste correctie.", "Tweede correctie."]
    assert [a.facts for a in amended(other.pk)] == ["Elders."]
    assert group_by(amended(case.pk), "signal_id") == {signal.pk: list(amended(case.pk))}


def test_a_prepared_query_refuses_what_it_cannot_return(cast):
    with pytest.raises(ValueError, match="no prefetch_related"):
        PreparedQuery(lambda case_id: Consultation.objects.filter(case_id=case_id).prefetch_related("case"))(1)
    with pytest.raises(ValueError, match="no prefetch_related"):
        PreparedQuery(lambda case_id: Consultation.objects.filter(case_id=case_id).values("pk"))(1)
    with pytest.raises(ValueError, match="must be a value in its SQL"):
        PreparedQuery(lambda case_id: Consultation.objects.all())(1)
    with pytest.raises(TypeError, match="int, date or datetime"):
        PreparedQuery(lambda name: Consultation.objects.filter(consulted=name), str)
    with pytest.raises(TypeError):
        PreparedQuery(lambda case_id: Consultation.objects.filter(case_id=case_id))(1, 2)


def test_a_prepared_query_follows_select_related_and_takes_dates_and_times(cast):
    case = _case_with_consultations(cast, 3)  # held on 1, 2 and 3 January 2026
    moment = Consultation.objects.filter(case_id=case.pk).order_by("pk")[1].recorded_at
    pupil_name = case.pupil.full_name
    held = PreparedQuery(
        lambda case_id, since, before: (
            Consultation.objects.filter(case_id=case_id, held_on__gte=since, recorded_at__lt=before)
            .select_related("recorded_by", "case__pupil")
            .order_by("held_on")
        ),
        int,
        date,
        datetime,
    )
    for since, before in ((date(2026, 1, 1), moment), (date(2026, 1, 2), moment + timedelta(days=1))):
        expected = list(
            Consultation.objects.filter(case_id=case.pk, held_on__gte=since, recorded_at__lt=before).order_by("held_on")
        )
        rows = held(case.pk, since, before)
        assert [row.pk for row in rows] == [row.pk for row in expected] != []
        with CaptureQueriesContext(connection) as queries:
            assert [str(row.recorded_by) for row in rows] == [str(cast.af)] * len(rows)
            assert {row.case.pupil.full_name for row in rows} == {pupil_name}
        assert queries.captured_queries == []


def test_queries_fetched_together_each_give_their_own_rows(cast):
    first, second = _case_with_consultations(cast, 2), _case_with_consultations(cast, 1)
    of_case = PreparedQuery(lambda case_id: Consultation.objects.filter(case_id=case_id).order_by("pk"))
    members = PreparedQuery(lambda case_id: CaseMember.objects.filter(case_id=case_id).order_by("pk"))
    with CaptureQueriesContext(connection) as queries:
        together = fetch_together((of_case, [first.pk]), (members, [second.pk]), (of_case, [second.pk]))
    # Every statement is still seen (and counted) by Django, also when PostgreSQL pipelines them.
    assert len(queries.captured_queries) == 3
    assert together == [of_case(first.pk), members(second.pk), of_case(second.pk)]
    assert [len(rows) for rows in together] == [2, len(CaseMember.objects.filter(case=second)), 1]


def test_an_actor_query_gives_each_person_what_the_policy_gives_them(cast):
    in_a = _case_with_consultations(cast, 0)
    b_pupil = PupilFactory(school=cast.school_b)
    in_b = services.open_case(cast.actor("af_b"), cast.signal("af_b", pupil=b_pupil), lead=cast.users["af_b"])
    visible = ActorQuery(lambda actor: visible_cases(actor).order_by("pk"))
    for name in ("af", "teacher", "admin", "af_b", "board", "af", "teacher2", "af_b"):
        actor = cast.actor(name)
        assert [c.pk for c in visible(actor)] == [c.pk for c in visible_cases(actor).order_by("pk")], name
    assert in_a.pk in [c.pk for c in visible(cast.actor("af"))]
    assert [c.pk for c in visible(cast.actor("af_b"))] == [in_b.pk]
    assert visible(cast.actor("board")) == []


def test_the_guard_catches_a_prepared_query_that_reads_the_clock(cast):
    """A query that reads the time while building keeps the first time it saw; the ORM would not."""
    case = _case_with_consultations(cast, 1)
    recorded = PreparedQuery(
        lambda case_id: Consultation.objects.filter(case_id=case_id, recorded_at__lte=timezone.now()),
        name="recorded_so_far",
    )
    later = timezone.now() + timedelta(hours=1)
    with mock.patch("django.utils.timezone.now", return_value=later - timedelta(minutes=5)):
        assert len(recorded(case.pk)) == 1  # compiled now: the ORM agrees
    with (
        mock.patch("django.utils.timezone.now", return_value=later),
        pytest.raises(PreparedQueryDrift, match="recorded_so_far .*depend only on its arguments"),
    ):
        recorded(case.pk)


def test_the_guard_is_on_in_tests_and_off_in_production(cast):
    assert settings.HAVEN_CHECK_PREPARED_QUERIES is True
    with override_settings(HAVEN_CHECK_PREPARED_QUERIES=False):
        stale = PreparedQuery(lambda case_id: Consultation.objects.filter(case_id=case_id, held_on__lte=date.today()))
        stale(1)
    # What bench and production run: DEBUG off, no pytest.
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.HAVEN_CHECK_PREPARED_QUERIES)"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "haven.settings", "HAVEN_DEBUG": "false"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
    env["HAVEN_DEBUG"] = "true"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"


def test_the_django_internals_prepared_queries_rest_on_are_still_there(cast):
    """If this fails after a Django upgrade, read docs/decisions/0005-prepared-queries.md ("On a
    Django upgrade") before changing haven/infrastructure/prepared.py or this test."""
    adr = "see docs/decisions/0005-prepared-queries.md, 'On a Django upgrade'"
    assert django.VERSION[:2] == (5, 2), f"prepared.py was checked against Django 5.2; {adr}"
    assert list(inspect.signature(get_related_populators).parameters) == ["klass_info", "select", "db"], adr
    assert list(inspect.signature(Model.from_db).parameters) == ["db", "field_names", "values"], adr
    queryset = Consultation.objects.filter(case_id=1).select_related("recorded_by")
    assert queryset._prefetch_related_lookups == () and queryset._fields is None, adr
    compiler = queryset.query.get_compiler(using="default")
    sql, params = compiler.as_sql()
    for name in ("select", "klass_info", "annotation_col_map", "col_count"):
        assert hasattr(compiler, name), f"SQLCompiler.{name}: {adr}"
    assert set(compiler.klass_info) >= {"model", "select_fields", "related_klass_infos"}, adr
    assert hasattr(compiler.select[0][0], "target"), adr
    assert list(inspect.signature(compiler.get_converters).parameters) == ["expressions"], adr
    assert list(inspect.signature(compiler.apply_converters).parameters) == ["rows", "converters"], adr
    populator = get_related_populators(compiler.klass_info, compiler.select, "default")[0]
    assert list(inspect.signature(populator.populate).parameters) == ["row", "from_obj"], adr
    ops = connection.ops
    assert callable(ops.adapt_datetimefield_value) and callable(ops.adapt_datefield_value), adr
    assert hasattr(connection, "wrap_database_errors"), adr
    with pytest.raises(EmptyResultSet):
        Consultation.objects.none().query.get_compiler(using="default").as_sql()
