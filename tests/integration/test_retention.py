"""Retention: `apply_retention` destroys exactly the closed dossiers past their school's term, and
the advice requests and verwijsindex entries kept without a dossier past theirs.

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
from haven.disclosure.queries import build_record
from haven.disclosure.services import record_disclosure
from haven.external_signals import services as external_signals
from haven.external_signals.models import ReferralIndexEntry
from haven.insights import metrics
from haven.insights.models import RollupCount
from haven.insights.periods import PeriodKind, last_periods, month_of
from haven.insights.rollups import refresh_school
from haven.meldcode import advice, loose_retention, services
from haven.meldcode.models import (
    AdviceRequest,
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

# A function, not a constant: a run that passes midnight must not compare yesterday with today.
TODAY = timezone.localdate


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
    return add_years(TODAY(), -years) - timedelta(days=days)


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
    services.record_consultation(af, case, held_on=TODAY(), consulted="safeguarding_lead", question="Q", advice="A")
    services.record_conversation(
        af,
        case,
        held_on=TODAY(),
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
    [selected] = services.cases_past_retention(school_id=cast.school_a.pk, years=5, today=TODAY())
    services.reopen_case(cast.actor("af"), case, reason="Nieuwe signalen.")
    with pytest.raises(ValidationError):
        services.destroy_case(selected, reason="retention")
    assert Case.objects.get(pk=case.pk).is_open


def test_cases_past_retention_is_exact_to_the_day(cast):
    kept = closed_case(cast, years_ago(3))
    gone = closed_case(cast, years_ago(3, days=1))
    due = services.cases_past_retention(school_id=cast.school_a.pk, years=3, today=TODAY())
    assert [c.pk for c in due] == [gone.pk]
    assert kept.pk not in [c.pk for c in due]
    assert services.cases_past_retention(school_id=cast.school_b.pk, years=3, today=TODAY()) == []


# The school's setting on the protocol page. ------------------------------------------------------


PROTOCOL = {"decision_roles": ["safeguarding_lead", "school_leader"], "report_roles": ["safeguarding_lead"]}


def test_the_protocol_page_shows_and_saves_the_retention_term(cast):
    client = cast.client("leader")
    response = client.get(reverse("organisations:protocol"))
    assert response.context["form"].initial["retention_years"] == 5
    assert 'name="retention_years"' in response.content.decode()
    response = client.post(reverse("organisations:protocol"), {**PROTOCOL, "retention_years": "7"})
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
    response = cast.client("admin").post(reverse("organisations:protocol"), PROTOCOL)
    assert response.status_code == 302
    cast.school_a.refresh_from_db()
    assert cast.school_a.retention_years == 8


@pytest.mark.parametrize("value", ["0", "21", "-1", "vijf", "2.5"])
def test_the_retention_term_must_lie_between_one_and_twenty_years(cast, value):
    response = cast.client("leader").post(reverse("organisations:protocol"), {**PROTOCOL, "retention_years": value})
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


# Records kept without a dossier: advice requests and verwijsindex entries. --------------------------

QUESTION = "Moeder vertelt over ruzies thuis. Wat kunnen we doen?"
ADVICE = "Leg de signalen vast en ga met moeder in gesprek."


def advice_request(cast, held_on, *, pupil=None, who="af"):
    return advice.record_advice_request(
        cast.actor(who),
        held_on=held_on,
        anonymous=pupil is None,
        question=QUESTION,
        advice=ADVICE,
        pupil=pupil,
        date_confirmed=True,  # history: years back on purpose
    )


def loose_entry(cast, pupil, on, *, action="placed", who="af"):
    return external_signals.record_referral_index_without_case(
        cast.actor(who), pupil=pupil, action=action, on=on, date_confirmed=True
    )


def closed_case_for(cast, pupil, closed_on) -> Case:
    case = cast.case(author="teacher", pupil=pupil)
    services.close_case(cast.actor("af"), case, reason="too_vague", explanation="Te vaag voor nu.")
    _move_closing(case, closed_on)
    return case


def exists(record) -> bool:
    return type(record).objects.filter(pk=record.pk).exists()


@pytest.fixture
def loose(cast):
    """Records without a dossier at school A (term 5 years) and school B (term 1 year), each named
    after what should become of it."""
    cast.school_b.retention_years = 1
    cast.school_b.save()
    a = cast.school_a
    # Born before the oldest record about them (twelve years back): a record before birth is refused.
    born = add_years(TODAY(), -14)
    alone, with_open, with_recent, with_old, with_reopened = (
        PupilFactory(school=a, date_of_birth=born) for _ in range(5)
    )
    records = {
        # No pupil, no dossier: the own term only, to the day.
        "gone: anonymous, one day past": advice_request(cast, years_ago(5, days=1)),
        "kept: anonymous, the last day": advice_request(cast, years_ago(5)),
        "gone: named, no dossier": advice_request(cast, years_ago(6), pupil=alone),
        "gone: placed, no dossier": loose_entry(cast, alone, years_ago(7)),
        "gone: ended, one day past": loose_entry(cast, alone, years_ago(5, days=1), action="ended"),
        "kept: placed again, recent": loose_entry(cast, alone, years_ago(4)),
        # Recorded before the pupil's dossier was opened: kept while it is open.
        "kept: named, open dossier": advice_request(cast, years_ago(8), pupil=with_open),
        "kept: placed, open dossier": loose_entry(cast, with_open, years_ago(8)),
        # A closed dossier within its term keeps them; one past its term goes, and they with it.
        "kept: named, dossier within its term": advice_request(cast, years_ago(9), pupil=with_recent),
        "kept: placed, dossier within its term": loose_entry(cast, with_recent, years_ago(9)),
        "gone: named, dossier past its term": advice_request(cast, years_ago(9), pupil=with_old),
        "gone: placed, dossier past its term": loose_entry(cast, with_old, years_ago(9)),
        # A dossier closed long ago and reopened is open: it keeps them.
        "kept: named, reopened dossier": advice_request(cast, years_ago(12), pupil=with_reopened),
        # School B keeps one year.
        "gone: school B, two years": advice_request(cast, years_ago(2), who="af_b"),
        "kept: school B, this year": advice_request(cast, years_ago(0, days=30), who="af_b", pupil=cast.pupil_b),
    }
    cast.case(author="teacher", pupil=with_open)
    recent = closed_case_for(cast, with_recent, years_ago(2))
    old = closed_case_for(cast, with_old, years_ago(6))
    reopened = closed_case_for(cast, with_reopened, years_ago(10))
    services.reopen_case(cast.actor("af"), reopened, reason="Nieuwe signalen.")
    return {"records": records, "recent": recent, "old": old}


def test_records_without_a_dossier_go_after_their_own_term_or_with_the_pupils_dossier(cast, loose):
    records = loose["records"]
    events_before = set(AuditEvent.objects.values_list("pk", flat=True))
    output = run()

    gone = {name for name in records if name.startswith("gone")}
    assert {name for name, record in records.items() if not exists(record)} == gone
    # The dossier past its term went too; the one within it stays.
    assert not Case.objects.filter(pk=loose["old"].pk).exists()
    assert Case.objects.filter(pk=loose["recent"].pk).exists()
    # The pupils stay.
    assert Pupil.objects.filter(pk=records["gone: named, no dossier"].pupil_id).exists()

    assert (
        "OBS De Regenboog (12AB), term 5 years: 1 dossiers destroyed; "
        "3 advice requests and 3 verwijsindex entries without a dossier destroyed"
    ) in output
    assert (
        "CBS Het Kompas (34CD), term 1 years: 0 dossiers destroyed; "
        "1 advice requests and 0 verwijsindex entries without a dossier destroyed"
    ) in output
    assert "Total: 1 dossiers destroyed; 4 advice requests and 3 verwijsindex entries without a dossier destroyed" in (
        output
    )
    # A second run finds nothing more.
    assert "Total: 0 dossiers destroyed; 0 advice requests and 0 verwijsindex entries" in run()

    # The audit log only grew: one event per destroyed record, with no person, and what the record's
    # own event said of it (its date, placed or ended), never the question or the advice.
    new = AuditEvent.objects.exclude(pk__in=events_before)
    assert events_before <= set(AuditEvent.objects.values_list("pk", flat=True))
    destroyed = {(e.object_type, e.object_id): e for e in new.exclude(action="case.destroy")}
    assert set(destroyed) == {(records[name]._meta.model_name, records[name].pk) for name in gone}
    for name in gone:
        record = records[name]
        event = destroyed[(record._meta.model_name, record.pk)]
        assert event.actor_id is None and event.role == ""
        assert event.kind == AuditEvent.Kind.CHANGE
        assert event.school_id == record.school_id
        assert event.pupil_id == record.pupil_id
        assert event.case_id is None
        if isinstance(record, AdviceRequest):
            assert event.action == "advice_request.destroy"
            assert event.detail == {"reason": "retention", "held_on": record.held_on.isoformat()}
        else:
            assert event.action == "referral_index.destroy"
            assert event.detail == {"reason": "retention", "on": record.on.isoformat(), "action": record.action}
        assert QUESTION not in str(event.detail) and ADVICE not in str(event.detail)
    # What was recorded about them before stays in the log.
    anonymous = records["gone: anonymous, one day past"]
    assert AuditEvent.objects.filter(action="advice_request.record", object_id=anonymous.pk).exists()


def test_a_dry_run_counts_records_without_a_dossier_and_changes_nothing(cast, loose):
    rows = (AdviceRequest.objects.count(), ReferralIndexEntry.objects.count(), Case.objects.count())
    events = AuditEvent.objects.count()
    output = run("--dry-run")
    assert (
        "OBS De Regenboog (12AB), term 5 years: 1 dossiers past their term (dry run, nothing destroyed); "
        "3 advice requests and 3 verwijsindex entries without a dossier past their term"
    ) in output
    assert "Total: 1 dossiers past their term (dry run); 4 advice requests and 3 verwijsindex entries" in output
    assert (AdviceRequest.objects.count(), ReferralIndexEntry.objects.count(), Case.objects.count()) == rows
    assert AuditEvent.objects.count() == events


def test_records_go_with_the_pupils_dossier_when_its_term_ends(cast):
    pupil = PupilFactory(school=cast.school_a, date_of_birth=add_years(TODAY(), -14))
    request = advice_request(cast, years_ago(9), pupil=pupil)
    entry = loose_entry(cast, pupil, years_ago(9))
    case = closed_case_for(cast, pupil, years_ago(5))  # the dossier's last day
    run()
    assert exists(request) and exists(entry) and Case.objects.filter(pk=case.pk).exists()
    _move_closing(case, years_ago(5, days=1))
    run()
    assert not exists(request) and not exists(entry) and not Case.objects.filter(pk=case.pk).exists()


def test_another_pupils_open_dossier_keeps_nothing(cast):
    # Only the named pupil's own dossiers count, not those of a brother or sister.
    request = advice_request(cast, years_ago(6), pupil=cast.pupil)
    cast.case(author="teacher", pupil=cast.sibling)
    run()
    assert not exists(request)


def test_a_record_whose_pupil_got_a_dossier_since_it_was_selected_is_kept(cast):
    pupil = PupilFactory(school=cast.school_a)
    request = advice_request(cast, years_ago(6), pupil=pupil)
    [selected] = loose_retention.records_past_retention(school_id=cast.school_a.pk, years=5, today=TODAY())
    cast.case(author="teacher", pupil=pupil)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        loose_retention.destroy_record(selected, reason="retention", years=5, today=TODAY())
    assert exists(request)
    assert AuditEvent.objects.count() == events


def test_a_record_already_destroyed_by_another_run_is_not_counted_twice(cast):
    request = advice_request(cast, years_ago(6))
    [selected] = loose_retention.records_past_retention(school_id=cast.school_a.pk, years=5, today=TODAY())
    assert loose_retention.destroy_record(selected, reason="retention", years=5, today=TODAY()) is True
    assert loose_retention.destroy_record(selected, reason="retention", years=5, today=TODAY()) is False
    assert not exists(request)
    assert AuditEvent.objects.filter(action="advice_request.destroy").count() == 1


def test_an_entry_of_a_dossier_is_left_to_its_dossier(cast):
    case = cast.case(author="teacher")
    entry = external_signals.record_referral_index(
        cast.actor("af"), case, action="placed", on=years_ago(9), date_confirmed=True
    )
    assert loose_retention.records_past_retention(school_id=cast.school_a.pk, years=5, today=TODAY()) == []
    with pytest.raises(ValidationError):
        loose_retention.destroy_record(entry, reason="retention", years=5, today=TODAY())
    assert exists(entry)


def test_a_record_the_database_refuses_to_destroy_is_kept_and_reported(cast, monkeypatch):
    from django.db import IntegrityError

    request = advice_request(cast, years_ago(9))

    def refuse(record, **kwargs):
        raise IntegrityError("still referenced")

    monkeypatch.setattr(loose_retention, "destroy_record", refuse)
    err = StringIO()
    with pytest.raises(CommandError, match="^1 records without a dossier could not be destroyed"):
        call_command("apply_retention", stdout=StringIO(), stderr=err)
    assert f"advicerequest {request.pk}: still referenced" in err.getvalue()
    assert exists(request)


def _figures(school, metric):
    return {(row.month, row.dimension): row.count for row in RollupCount.objects.filter(school=school, metric=metric)}


def test_the_monitoring_keeps_the_five_years_it_shows_and_loses_only_what_was_destroyed(cast):
    """Retention writes no rollups; the next `refresh_insights` recounts from what is left. Under the
    default term a record goes only when it is over five years old, before the first of the five
    school years or calendar years the pages show, so those figures stay; older months lose it."""
    school = cast.school_a
    alone = PupilFactory(school=school)
    old_advice = advice_request(cast, years_ago(5, days=1))
    old_entry = loose_entry(cast, alone, years_ago(5, days=1))
    kept_advice = advice_request(cast, years_ago(5))
    loose_entry(cast, alone, years_ago(4), action="ended")
    loose_entry(cast, alone, years_ago(3))
    advice_request(cast, TODAY(), pupil=alone)
    refresh_school(school, TODAY())
    before = {metric: _figures(school, metric) for metric in (metrics.ADVICE_REQUESTS, metrics.REFERRAL_INDEX_PLACED)}

    run()
    assert not exists(old_advice) and not exists(old_entry) and exists(kept_advice)
    # Retention itself leaves the rollups as they were counted.
    assert {metric: _figures(school, metric) for metric in before} == before

    refresh_school(school, TODAY())
    after = {metric: _figures(school, metric) for metric in before}
    first_shown = min(last_periods(TODAY(), kind, 5)[0].start for kind in PeriodKind)
    for metric in before:
        shown_before = {cell: n for cell, n in before[metric].items() if cell[0] >= first_shown}
        shown_after = {cell: n for cell, n in after[metric].items() if cell[0] >= first_shown}
        assert shown_after == shown_before, metric
    # What went was older than anything shown, and it is no longer counted.
    gone_month = month_of(years_ago(5, days=1))
    assert gone_month < first_shown
    assert before[metrics.ADVICE_REQUESTS][(gone_month, "loose:anonymous")] >= 1
    assert after[metrics.ADVICE_REQUESTS].get((gone_month, "loose:anonymous"), 0) == (
        before[metrics.ADVICE_REQUESTS][(gone_month, "loose:anonymous")] - 1
    )
    assert after[metrics.REFERRAL_INDEX_PLACED].get((gone_month, "loose"), 0) == (
        before[metrics.REFERRAL_INDEX_PLACED][(gone_month, "loose")] - 1
    )


def test_a_record_destroyed_after_a_parents_access_is_gone_from_its_export(cast):
    af = cast.actor("af")
    for held_on, question in ((years_ago(6), "OUDE-VRAAG"), (years_ago(1), "RECENTE-VRAAG")):
        advice.record_advice_request(
            af, held_on=held_on, anonymous=True, question=question, advice="A", pupil=cast.pupil, date_confirmed=True
        )
    disclosure = record_disclosure(
        af, cast.pupil, state=build_record(cast.pupil).state, withheld={}, reporter_identity_withheld=False
    )
    run()
    response = cast.client("af").get(reverse("disclosure:export", args=[disclosure.pk]))
    page = response.content.decode()
    assert "OUDE-VRAAG" not in page
    assert "RECENTE-VRAAG" in page
    assert response.context["record"].missing == 1
