"""Retention: `apply_retention` destroys exactly the closed dossiers past their school's term.

Closing dates are moved into the past by updating `Closure.recorded_at` directly: the one place
where a test writes route data without a service, because no service can close a dossier years ago.
"""

from datetime import datetime, time, timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.meldcode import services
from haven.meldcode.models import (
    Case,
    CaseMember,
    Closure,
    Consultation,
    Conversation,
    Decision,
    LookAlongRequest,
    Report,
    Signal,
    SignalAmendment,
    StepSkip,
    Weighing,
)
from haven.meldcode.retention import add_years
from haven.pupils.models import Pupil
from tests.factories import PupilFactory

TODAY = timezone.localdate()


def _move_closing(case: Case, closed_on) -> None:
    moment = timezone.make_aware(datetime.combine(closed_on, time(10, 0)))
    latest = case.closures.order_by("recorded_at", "pk").last()
    Closure.objects.filter(pk=latest.pk).update(recorded_at=moment)


def closed_case(cast, closed_on, *, school="a", reopen=False, close_again_on=None) -> Case:
    if school == "a":
        case = cast.case(author="teacher", pupil=PupilFactory(school=cast.school_a))
        af = cast.actor("af")
    else:
        pupil = PupilFactory(school=cast.school_b)
        signal = services.log_signal(
            cast.actor("af_b"),
            pupil=pupil,
            observed_at=timezone.now() - timedelta(hours=1),
            source=Signal.Source.OWN_OBSERVATION,
            categories=[Signal.Category.PHYSICAL_NEGLECT],
            facts="Komt zonder jas.",
        )
        af = cast.actor("af_b")
        case = services.open_case(af, signal, lead=cast.af_b)
    services.close_case(af, case, reason="too_vague", explanation="Te vaag voor nu.")
    _move_closing(case, closed_on)
    if reopen or close_again_on:
        services.reopen_case(af, case, reason="Nieuwe signalen.")
    if close_again_on:
        services.close_case(af, case, reason="help_working", explanation="Hulp loopt.")
        _move_closing(case, close_again_on)
    case.refresh_from_db()
    return case


def years_ago(years: int, days: int = 0):
    return add_years(TODAY, -years) - timedelta(days=days)


def full_case(cast) -> Case:
    """A dossier with a record of every kind, closed long ago."""
    af, teacher = cast.actor("af"), cast.actor("teacher")
    pupil = PupilFactory(school=cast.school_a)
    case = cast.case(author="teacher", pupil=pupil)
    signal = case.signals.get()
    services.amend_signal(teacher, signal, reason="Typfout.", facts="Komt zonder ontbijt en zonder jas.")
    services.request_look_along(teacher, signal)
    second = cast.signal("teacher2", pupil=pupil, case=case, other_pupils=[cast.sibling])
    assert second.other_pupils.count() == 1
    services.record_consultation(af, case, held_on=TODAY, consulted="safeguarding_lead", question="Q", advice="A")
    services.record_conversation(
        af,
        case,
        held_on=TODAY,
        participants=["mother"],
        shared="Zorgen gedeeld.",
        reaction="Moeder herkent het.",
        acknowledgement="agreed",
    )
    services.skip_conversation(af, case, reason="child_safety", explanation="Niet veilig.")
    services.record_weighing(af, case, suspicion=True, suspicion_explanation="Ja.", unsafety=True)
    services.decide(
        af,
        case,
        answers={"suspicion": True, "unsafety": True, "can_help": None, "accepted": None, "effective": None},
        outcome="report",
        rationale="Structureel.",
        decided_by=cast.af,
    )
    services.save_report(
        af,
        case,
        relation_to_family="School",
        direct_cause="Blauwe plekken",
        facts="Feiten",
        household="Moeder",
        expectations="Onderzoek",
        parents_informed=True,
        parents_informed_how="Gesprek",
    )
    services.close_case(af, case, reason="taken_over", explanation="Veilig Thuis nam het over.")
    _move_closing(case, years_ago(6))
    return case


def run(*args) -> str:
    out = StringIO()
    call_command("apply_retention", *args, stdout=out)
    return out.getvalue()


ROUTE_MODELS = [
    Signal,
    SignalAmendment,
    LookAlongRequest,
    Consultation,
    Conversation,
    StepSkip,
    Weighing,
    Decision,
    Report,
    Closure,
    CaseMember,
]


def test_the_default_term_is_five_years(cast):
    assert cast.school_a.retention_years == 5


def test_destroys_exactly_the_closed_dossiers_past_their_term(cast):
    cast.school_b.retention_years = 1
    cast.school_b.save()
    full = full_case(cast)
    past = closed_case(cast, years_ago(5, days=1))  # one day past the term
    last_day = closed_case(cast, years_ago(5))  # the term's last day: kept
    recent = closed_case(cast, years_ago(1))
    reopened = closed_case(cast, years_ago(10), reopen=True)  # closed long ago, open now
    closed_again = closed_case(cast, years_ago(10), close_again_on=years_ago(2))  # latest closing counts
    open_case = cast.case(author="teacher", pupil=PupilFactory(school=cast.school_a))
    b_past = closed_case(cast, years_ago(2), school="b")  # school B keeps one year
    b_recent = closed_case(cast, years_ago(0, days=30), school="b")
    signal_elsewhere = cast.signal("teacher", pupil=cast.sibling, other_pupils=[full.pupil])

    events_before = set(AuditEvent.objects.values_list("pk", flat=True))
    output = run()

    destroyed = {full.pk, past.pk, b_past.pk}
    kept = {last_day.pk, recent.pk, reopened.pk, closed_again.pk, open_case.pk, b_recent.pk}
    assert set(Case.objects.values_list("pk", flat=True)) == kept
    assert Case.objects.get(pk=reopened.pk).is_open
    for model in (Consultation, Conversation, StepSkip, Weighing, Decision, Report, Closure):
        assert not model.objects.filter(case_id__in=destroyed).exists(), model
    assert not Signal.objects.filter(case_id__in=destroyed).exists()
    assert not SignalAmendment.objects.exists()
    assert not LookAlongRequest.objects.exists()
    assert not CaseMember.objects.filter(case_id__in=destroyed).exists()
    assert not Signal.other_pupils.through.objects.filter(signal__case_id__in=destroyed).exists()
    # The pupils stay; so does another pupil's signal that names one of them.
    assert Pupil.objects.filter(pk=full.pupil_id).exists()
    assert Signal.objects.filter(pk=signal_elsewhere.pk, other_pupils=full.pupil).exists()

    # The audit log only grows: every earlier event is still there, plus one per destroyed dossier.
    events_after = set(AuditEvent.objects.values_list("pk", flat=True))
    assert events_before < events_after
    destroy_events = AuditEvent.objects.filter(action="case.destroy")
    assert set(destroy_events.values_list("case_id", flat=True)) == destroyed
    assert events_after - events_before == set(destroy_events.values_list("pk", flat=True))
    event = destroy_events.get(case_id=full.pk)
    assert event.actor_id is None
    assert event.kind == AuditEvent.Kind.CHANGE
    assert event.school_id == cast.school_a.pk
    assert event.pupil_id == full.pupil_id
    assert event.detail["reason"] == "retention"
    assert event.detail["closed_on"] == years_ago(6).isoformat()
    assert event.detail["destroyed"]["signals"] == 2
    assert event.detail["destroyed"]["signal_amendments"] == 1
    assert event.detail["destroyed"]["look_along_requests"] == 1
    assert event.detail["destroyed"]["other_pupil_links"] == 1
    # The events about the destroyed dossier are kept.
    assert AuditEvent.objects.filter(case_id=full.pk, action="case.open").exists()

    assert "OBS De Regenboog (12AB), term 5 years: 2 dossiers destroyed" in output
    assert "CBS Het Kompas (34CD), term 1 years: 1 dossiers destroyed" in output
    assert "Total: 3 dossiers destroyed" in output

    # A second run finds nothing more.
    assert "Total: 0 dossiers destroyed" in run()


def test_a_dry_run_changes_nothing(cast):
    full_case(cast)
    closed_case(cast, years_ago(1))
    counts = {model: model.objects.count() for model in ROUTE_MODELS}
    events = AuditEvent.objects.count()
    output = run("--dry-run")
    assert "OBS De Regenboog (12AB), term 5 years: 1 dossiers past their term (dry run, nothing destroyed)" in output
    assert "CBS Het Kompas (34CD), term 5 years: 0 dossiers" in output
    assert "Total: 1 dossiers past their term (dry run)" in output
    assert Case.objects.count() == 2
    assert {model: model.objects.count() for model in ROUTE_MODELS} == counts
    assert AuditEvent.objects.count() == events


def test_a_shorter_term_set_by_the_school_takes_effect_on_the_next_run(cast):
    case = closed_case(cast, years_ago(2))
    assert "Total: 0" in run()
    cast.school_a.retention_years = 1
    cast.school_a.save()
    assert "Total: 1 dossiers destroyed" in run()
    assert not Case.objects.filter(pk=case.pk).exists()


def test_destroy_case_refuses_an_open_dossier(cast):
    case = cast.case()
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.destroy_case(case, reason="retention")
    assert Case.objects.filter(pk=case.pk).exists()
    assert AuditEvent.objects.count() == events


def test_destroy_case_refuses_a_dossier_reopened_since_it_was_selected(cast):
    case = closed_case(cast, years_ago(8))
    [selected] = services.cases_past_retention(school_id=cast.school_a.pk, years=5, today=TODAY)
    services.reopen_case(cast.actor("af"), case, reason="Nieuwe signalen.")
    with pytest.raises(ValidationError):
        services.destroy_case(selected, reason="retention")
    assert Case.objects.get(pk=case.pk).is_open


def test_cases_past_retention_is_exact_to_the_day(cast):
    kept = closed_case(cast, years_ago(3))
    gone = closed_case(cast, years_ago(3, days=1))
    due = services.cases_past_retention(school_id=cast.school_a.pk, years=3, today=TODAY)
    assert [c.pk for c in due] == [gone.pk]
    assert kept.pk not in [c.pk for c in due]
    assert services.cases_past_retention(school_id=cast.school_b.pk, years=3, today=TODAY) == []


# The school's setting on the protocol page. ------------------------------------------------------


PROTOCOL = {"decision_roles": ["safeguarding_lead", "school_leader"], "report_roles": ["safeguarding_lead"]}


def test_the_protocol_page_shows_and_saves_the_retention_term(cast):
    client = cast.client("leader")
    response = client.get(reverse("school:protocol"))
    assert response.context["form"].initial["retention_years"] == 5
    assert 'name="retention_years"' in response.content.decode()
    response = client.post(reverse("school:protocol"), {**PROTOCOL, "retention_years": "7"})
    assert response.status_code == 302
    cast.school_a.refresh_from_db()
    assert cast.school_a.retention_years == 7
    event = AuditEvent.objects.filter(action="protocol.save").latest("pk")
    assert event.detail["retention_years"] == 7
    cast.school_b.refresh_from_db()
    assert cast.school_b.retention_years == 5


def test_a_protocol_form_without_the_term_keeps_it(cast):
    cast.school_a.retention_years = 8
    cast.school_a.save()
    response = cast.client("admin").post(reverse("school:protocol"), PROTOCOL)
    assert response.status_code == 302
    cast.school_a.refresh_from_db()
    assert cast.school_a.retention_years == 8


@pytest.mark.parametrize("value", ["0", "21", "-1", "vijf", "2.5"])
def test_the_retention_term_must_lie_between_one_and_twenty_years(cast, value):
    response = cast.client("leader").post(reverse("school:protocol"), {**PROTOCOL, "retention_years": value})
    assert response.status_code == 200
    assert "retention_years" in response.context["form"].errors
    cast.school_a.refresh_from_db()
    assert cast.school_a.retention_years == 5
    assert not AuditEvent.objects.filter(action="protocol.save").exists()


@pytest.mark.parametrize("value", [0, 21])
def test_the_service_refuses_a_term_out_of_bounds(cast, value):
    from haven.organisations.services import set_protocol

    with pytest.raises(ValidationError):
        set_protocol(cast.actor("leader"), cast.school_a, retention_years=value, **PROTOCOL)
    cast.school_a.refresh_from_db()
    assert cast.school_a.retention_years == 5


def test_a_dossier_the_database_refuses_to_destroy_is_kept_and_reported(cast, monkeypatch):
    from django.db import IntegrityError

    case = closed_case(cast, years_ago(9))

    def refuse(case, *, reason):
        raise IntegrityError("still referenced")

    monkeypatch.setattr(services, "destroy_case", refuse)
    err = StringIO()
    with pytest.raises(CommandError, match="1 dossiers could not be destroyed"):
        call_command("apply_retention", stdout=StringIO(), stderr=err)
    assert f"dossier {case.pk}: still referenced" in err.getvalue()
    assert Case.objects.filter(pk=case.pk).exists()
