"""Prepared queries (haven/core/prepared.py) return what the queryset they were built from returns."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from haven.core.prepared import PreparedQuery, group_by
from haven.meldcode import services
from haven.meldcode.models import Consultation, Signal, SignalAmendment
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
    with pytest.raises(ValueError, match="own rows only"):
        PreparedQuery(lambda case_id: Consultation.objects.filter(case_id=case_id).select_related("case"))(1)
    with pytest.raises(ValueError, match="exactly once"):
        PreparedQuery(lambda case_id: Consultation.objects.filter(case_id=case_id, recorded_by_id=case_id))(1)
    with pytest.raises(ValueError, match="exactly once"):
        PreparedQuery(lambda case_id: Consultation.objects.all())(1)
    with pytest.raises(TypeError):
        PreparedQuery(lambda case_id: Consultation.objects.filter(case_id=case_id))(1, 2)
