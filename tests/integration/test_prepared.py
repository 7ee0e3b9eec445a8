"""Prepared queries (haven/infrastructure/prepared.py) return what the queryset they were built from returns."""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haven.infrastructure.prepared import ActorQuery, PreparedQuery, fetch_together, group_by
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
