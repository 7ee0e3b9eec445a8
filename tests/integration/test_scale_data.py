"""`manage.py generate_scale_data`: synthetic schools at scale, as the services would have written them.

The data must be usable (the pages work on it, the generated users can sign in), valid (the audit
chain verifies, narrative text is encrypted, the sequences continue after it), plausible (about 1%
of pupils a year get a dossier, every step occurs) and safe (a second run without --append
changes nothing; --append never touches existing rows). These tests run on SQLite and again on
PostgreSQL (with COPY) in the PostgreSQL run.
"""

import base64
import datetime as dt
import io
import re
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count, F
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.access.middleware import actor_for
from haven.accounts.models import AnalystMembership, Membership, User
from haven.audit.models import AuditChainHead, AuditEvent
from haven.audit.verification import verify_chain
from haven.external_signals.models import ReferralIndexEntry
from haven.followup.models import EvaluationMoment, HelpPlan, ReportFollowUp
from haven.infrastructure.encryption import encrypted_fields_of
from haven.insights import metrics, rollups
from haven.insights.models import PublicFigure, Region, RollupCount, RollupState, RouteSnapshot
from haven.meldcode import services
from haven.meldcode.models import (
    AdviceRequest,
    Case,
    Closure,
    Consultation,
    Conversation,
    Decision,
    Report,
    Signal,
    StepSkip,
    Weighing,
)
from haven.meldcode.queries import facts_for
from haven.meldcode.workflow import NextAction, Step, route_state
from haven.organisations.models import Board, Group, Municipality, School
from haven.pupils.models import GroupPlacement, HouseholdMember, Pupil
from haven.tools import scale

SMALL = ["--schools", "3", "--pupils-per-school", "40", "--years", "2", "--seed", "7"]
GENERATED_MODELS = (
    Municipality, Board, School, User, Membership, Group, Pupil, GroupPlacement, HouseholdMember, Case, Signal,
    Consultation, Conversation, StepSkip, Decision, Report, ReportFollowUp, HelpPlan, Closure, AuditEvent,
)  # fmt: skip


def generate(*args: str) -> str:
    out = io.StringIO()
    call_command("generate_scale_data", *args, stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in GENERATED_MODELS}


def signed_in(username: str) -> Client:
    """A client signed in as a generated user, past two-factor sign-in with the device it was given."""
    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, name="default").first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def small(db) -> str:
    return generate(*SMALL)


def test_a_small_run_has_the_schools_staff_and_pupils_asked_for(small):
    assert "Done in" in small and "af-0001" in small
    assert School.objects.count() == 3
    assert Pupil.objects.count() == 120
    assert Board.objects.count() == 1 and Municipality.objects.count() == 1
    # 40 pupils: one group per grade, so 8 teachers; one teaching assistant; IB, AF, leader, admin.
    for school in School.objects.all():
        roles = list(Membership.objects.filter(school=school).values_list("role", flat=True))
        assert sorted(set(roles)) == sorted(
            [
                "teacher",
                "teaching_assistant",
                "care_coordinator",
                "safeguarding_lead",
                "school_leader",
                "functional_admin",
            ]
        )
        assert roles.count("teacher") == 8
        assert Group.objects.filter(school=school).count() == 8 * 2  # 8 groups in each of 2 school years
    assert AnalystMembership.objects.filter(board__isnull=False).count() == 1
    assert AnalystMembership.objects.filter(municipality__isnull=False).count() == 1
    # A pupil in groep 1 has one placement, every other pupil one per school year (two).
    assert GroupPlacement.objects.count() == 120 + 120 * 7 // 8
    assert HouseholdMember.objects.count() >= 120
    assert not GroupPlacement.objects.exclude(school_year=F("group__school_year")).exists()
    assert set(GroupPlacement.objects.values_list("school_year", flat=True)) == {school_year(0), school_year(1)}


def school_year(ago: int) -> str:
    today = timezone.localdate()
    start = (today.year if today.month >= 8 else today.year - 1) - ago
    return f"{start}-{start + 1}"


def test_the_first_school_has_a_dossier_in_every_step_of_the_route(small):
    school = School.objects.get(memberships__user__username="af-0001")
    cases = Case.objects.filter(school=school).prefetch_related("stepskips", "decisions", "reports")
    cases = cases.annotate(
        n_signals=Count("signals", distinct=True),
        n_consultations=Count("consultations", distinct=True),
        n_conversations=Count("conversations", distinct=True),
        n_weighings=Count("weighings", distinct=True),
    )
    states = [route_state(facts_for(case)) for case in cases if case.is_open]
    # Step 1 is done as soon as a dossier has its first signal: new signals wait in the inbox instead.
    assert {state.current_step for state in states} == set(Step) - {Step.SIGNALS}
    assert {state.next_action for state in states} >= {
        NextAction.RECORD_CONSULTATION,
        NextAction.RECORD_CONVERSATION,
        NextAction.RECORD_WEIGHING,
        NextAction.RECORD_DECISION,
        NextAction.MAKE_REPORT,
        NextAction.FOLLOW_HELP,
    }
    assert cases.filter(status=Case.Status.CLOSED).exists()
    assert cases.filter(acute=True).exists()
    assert Report.objects.filter(case__school=school, made_on__isnull=False).exists()  # reported
    assert Report.objects.filter(case__school=school, made_on__isnull=True).exists()  # a draft
    assert ReportFollowUp.objects.filter(report__case__school=school).exists()
    assert HelpPlan.objects.filter(case__school=school).exists()
    assert Signal.objects.filter(school=school, status=Signal.Status.NEW).exists()  # the inbox
    # At most one open dossier per pupil, as open_case enforces.
    open_per_pupil = Case.objects.filter(status=Case.Status.OPEN).values("pupil").annotate(n=Count("pk"))
    assert max(row["n"] for row in open_per_pupil) == 1


def test_about_one_percent_of_pupils_get_a_dossier_each_year(db):
    generate("--schools", "4", "--pupils-per-school", "250", "--years", "3", "--seed", "3")
    pupil_years = GroupPlacement.objects.count()
    showcase = len(scale.SHOWCASE)  # the first school's extra dossiers, one in every stage
    rate = (Case.objects.count() - showcase) / pupil_years
    assert 0.007 <= rate <= 0.013, rate
    # Older dossiers are mostly closed; this year's are spread over the route.
    this_year = timezone.make_aware(dt.datetime(int(school_year(0)[:4]), 8, 1))
    older = Case.objects.filter(opened_at__lt=this_year)
    assert older.filter(status=Case.Status.CLOSED).count() >= 0.8 * older.count()
    assert Signal.objects.filter(status=Signal.Status.NOTED, case__isnull=True).exists()
    assert Signal.objects.count() > Case.objects.count()


def test_the_documented_accounts_sign_in_with_the_documented_password_and_secret(small):
    af = User.objects.get(username="af-0001")
    assert af.check_password(scale.DEFAULT_PASSWORD)
    for username in ("af-0001", "ib-0001", "directie-0001", "beheerder-0001"):
        device = TOTPDevice.objects.get(user__username=username, name="default", confirmed=True)
        assert device.verify_token(totp(base64.b32decode(scale.TOTP_SECRET)))
    assert not TOTPDevice.objects.filter(user__username="leerkracht-0001-1").exists()
    # One hash for everyone: hashing per user would take minutes at national scale.
    assert User.objects.values("password").distinct().count() == 1
    assert actor_for(af)[0].role == "safeguarding_lead"
    assert actor_for(User.objects.get(username="bestuur-0001"))[0].role == "board_analyst"


def test_pages_work_on_the_generated_data(small):
    af = signed_in("af-0001")
    assert af.get(reverse("meldcode:inbox")).status_code == 200
    listing = af.get(reverse("meldcode:case_list"))
    assert listing.status_code == 200
    school = School.objects.get(memberships__user__username="af-0001")
    for case in Case.objects.filter(school=school):
        response = af.get(reverse("meldcode:case_detail", args=[case.pk]))
        assert response.status_code == 200, case.pk
    another_school_signal = Signal.objects.exclude(school=school).first()  # every school has an inbox
    assert af.get(reverse("meldcode:signal_detail", args=[another_school_signal.pk])).status_code == 404
    for signal in Signal.objects.filter(school=school, status=Signal.Status.NEW):
        assert af.get(reverse("meldcode:signal_detail", args=[signal.pk])).status_code == 200
    teacher = signed_in("leerkracht-0001-1")
    assert teacher.get(reverse("meldcode:signal_list")).status_code == 200
    assert teacher.get(reverse("meldcode:signal_create")).status_code == 200
    # The monitoring, from the generated rollups: the school's own page, and three schools are enough
    # for the board's, the municipality's and the region's to show figures.
    for username in ("af-0001", "bestuur-0001", "gemeente-0001", "regio-0001"):
        page = signed_in(username).get(reverse("insights:overview"))
        assert page.status_code == 200, username
        assert page.context["m"].shown, username
        refresh = page.context["m"].refresh  # "figures of ...": the generator counted every school
        assert refresh.counted == refresh.schools == len(page.context["scope"].school_ids), username


def test_the_audit_chain_verifies_and_tells_every_write(small):
    result = verify_chain()
    assert result.count == AuditEvent.objects.count()
    head = AuditChainHead.objects.get(pk=1)
    assert head.last_sequence == result.count
    assert AuditEvent.objects.filter(action="case.open").count() == Case.objects.count()
    assert AuditEvent.objects.filter(action="signal.log").count() == Signal.objects.count()
    assert AuditEvent.objects.filter(action="pupil.save").count() == Pupil.objects.count()
    assert AuditEvent.objects.filter(action="case.decision").count() == Decision.objects.count()
    assert AuditEvent.objects.filter(action="case.close").count() == Closure.objects.count()
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.READ, action="case.view").exists()
    # Within a dossier, the events are in the order they happened.
    for case in Case.objects.all()[:20]:
        moments = list(AuditEvent.objects.filter(case_id=case.pk).order_by("sequence").values_list("at", flat=True))
        assert moments == sorted(moments)
        assert max(moments) <= timezone.now()


def test_what_says_what_happened_is_encrypted_in_the_tables_bound_to_each_row(small):
    checked = 0
    models = (
        Signal,
        Consultation,
        Conversation,
        Weighing,
        Decision,
        Report,
        ReportFollowUp,
        HelpPlan,
        Closure,
        StepSkip,
    )
    for model in (*models, HouseholdMember, EvaluationMoment):
        for field in encrypted_fields_of(model):
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {field.column} FROM {model._meta.db_table}")  # noqa: S608 (names from _meta)
                values = [row[0] for row in cursor.fetchall()]
            assert all(value == "" or value.startswith("enc2:") for value in values), field.identity
            checked += sum(1 for value in values if value)
    assert checked > 100
    facts = {text for _category, text in scale.SIGNAL_TEXTS}
    categories = {category for category, _text in scale.SIGNAL_TEXTS}
    signals = list(Signal.objects.all())  # each value opens with its own row's key
    assert {signal.facts for signal in signals} <= facts
    assert {c for signal in signals for c in signal.categories} <= categories
    assert {d.outcome for d in Decision.objects.all()} <= {"report", "report_and_help", "help", "close"}
    assert all(member.name for member in HouseholdMember.objects.all())


def test_a_second_run_without_append_refuses_and_changes_nothing(small):
    before = counts()
    head = AuditChainHead.objects.get(pk=1)
    with pytest.raises(CommandError, match="already holds pupils"):
        generate(*SMALL)
    assert counts() == before
    assert AuditChainHead.objects.get(pk=1).last_hash == head.last_hash


def test_append_adds_schools_after_the_existing_ones_without_changing_them(small):
    pupils = dict(Pupil.objects.values_list("pk", "first_name"))
    signals = {s.pk: s.facts for s in Signal.objects.only("pk", "facts")}  # opened with each row's key
    events = AuditEvent.objects.count()
    rollup_rows = sorted(RollupCount.objects.values_list("pk", "school_id", "month", "metric", "dimension", "count"))
    codes = set(Municipality.objects.values_list("code", flat=True))
    output = generate("--schools", "2", "--pupils-per-school", "20", "--years", "1", "--append")
    assert "af-0004" in output
    # The rollups of the schools that were there stay; the new schools get theirs, in a region of their own.
    old_schools = {school_id for _pk, school_id, *_rest in rollup_rows}
    assert (
        sorted(
            RollupCount.objects.filter(school_id__in=old_schools).values_list(
                "pk", "school_id", "month", "metric", "dimension", "count"
            )
        )
        == rollup_rows
    )
    assert RollupState.objects.count() == 5
    new_codes = set(Municipality.objects.values_list("code", flat=True)) - codes
    assert len(new_codes) == 1 and Region.objects.count() == 2
    assert School.objects.count() == 5
    assert User.objects.filter(username__in=["af-0004", "af-0005"]).count() == 2
    assert {pk: name for pk, name in Pupil.objects.values_list("pk", "first_name") if pk in pupils} == pupils
    assert {s.pk: s.facts for s in Signal.objects.filter(pk__in=signals)} == signals
    assert AuditEvent.objects.count() > events
    assert verify_chain().count == AuditEvent.objects.count()


def test_the_services_carry_on_after_the_generated_rows(small):
    """The sequences were moved past the generated ids: new rows get fresh ids, and the chain continues."""
    af = User.objects.get(username="af-0001")
    actor, _membership = actor_for(af)
    pupil = Pupil.objects.filter(school_id=actor.school_id).exclude(cases__status=Case.Status.OPEN).first()
    largest = Signal.objects.order_by("-pk").values_list("pk", flat=True).first()
    signal = services.log_signal(
        actor,
        pupil=pupil,
        observed_at=timezone.now() - dt.timedelta(hours=1),
        source=Signal.Source.OWN_OBSERVATION,
        categories=[Signal.Category.GUT_FEELING],
        facts="Stil en teruggetrokken sinds maandag.",
    )
    assert signal.pk > largest
    case = services.open_case(actor, signal, lead=af)
    assert case.pk > 0
    assert verify_chain().count == AuditEvent.objects.count()


def snapshot() -> dict[str, object]:
    return {
        "users": sorted(User.objects.values_list("username", "first_name", "last_name")),
        "pupils": list(Pupil.objects.order_by("pk").values_list("first_name", "last_name", "date_of_birth")),
        "cases": list(Case.objects.order_by("pk").values_list("pupil__first_name", "status", "acute")),
        # Opened per row: each encryption of the same categories differs.
        "signals": [(s.categories, s.status, s.source) for s in Signal.objects.order_by("pk")],
        # Through the model: the stored detail is a ciphertext, different on every run.
        "actions": [
            (e.action, e.detail) for e in AuditEvent.objects.order_by("sequence").only("sequence", "action", "detail")
        ],
    }


def test_the_seed_makes_the_data_repeatable(db):
    now = timezone.now()

    def run(seed: int) -> dict[str, object]:
        options = scale.Options(schools=2, pupils_per_school=60, years=2, seed=seed)
        with transaction.atomic():
            scale.Generator(options, now=now).run()
            taken = snapshot()
            transaction.set_rollback(True)
        return taken

    first = run(11)
    assert first["cases"], "a run this size has dossiers"
    assert run(11) == first
    assert run(12) != first


@pytest.fixture
def monitored(db) -> None:
    generate("--schools", "6", "--pupils-per-school", "200", "--years", "3", "--seed", "4")


def test_advice_and_verwijsindex_signals_are_recorded_without_a_dossier_too(monitored):
    pupil_years = GroupPlacement.objects.count()
    requests = list(AdviceRequest.objects.select_related("pupil"))
    # A few a year per school: about one per 125 pupils (6 schools x 3 years here).
    assert 0.004 <= len(requests) / pupil_years <= 0.013, len(requests)
    assert {r.anonymous for r in requests} == {True, False}
    assert all(r.pupil is not None for r in requests if not r.anonymous)  # named advice is about a pupil
    assert any(r.pupil is None for r in requests if r.anonymous)
    assert all(r.pupil is None or r.pupil.school_id == r.school_id for r in requests)
    assert {r.question for r in requests} <= set(scale.ADVICE_QUESTIONS)
    assert all(r.recorded_at.date() >= r.held_on for r in requests)
    assert AuditEvent.objects.filter(action="advice_request.record").count() == len(requests)
    assert Consultation.objects.filter(consulted=Consultation.Consulted.VEILIG_THUIS).exists()  # and in dossiers

    entries = list(ReferralIndexEntry.objects.order_by("on", "pk"))
    assert entries and all(e.case_id is None and e.pupil_id is not None for e in entries)
    per_pupil: dict[int, list[str]] = {}
    for entry in entries:
        per_pupil.setdefault(entry.pupil_id, []).append(entry.action)
    # Placed, and sometimes ended later: never two signals of one pupil at once, never an end first.
    assert all(actions in (["placed"], ["placed", "ended"]) for actions in per_pupil.values()), per_pupil
    assert any(actions == ["placed", "ended"] for actions in per_pupil.values())
    still_placed = [pupil for pupil, actions in per_pupil.items() if actions == ["placed"]]
    assert not Case.objects.filter(pupil_id__in=still_placed, status=Case.Status.OPEN).exists()
    assert AuditEvent.objects.filter(action__startswith="referral_index.").count() == len(entries)


def test_closed_routes_record_the_step_where_they_stopped_and_why(db):
    generate("--schools", "8", "--pupils-per-school", "250", "--years", "4", "--seed", "4")
    closed = (
        Case.objects.filter(status=Case.Status.CLOSED)
        .annotate(
            n_signals=Count("signals", distinct=True),
            n_consultations=Count("consultations", distinct=True),
            n_conversations=Count("conversations", distinct=True),
            n_weighings=Count("weighings", distinct=True),
        )
        .prefetch_related("stepskips", "decisions", "reports", "closures")
    )
    steps = Counter()
    reasons = Counter()
    for case in closed:
        (closure,) = case.closures.all()
        # The step recorded is where the route stood: nothing was recorded in the dossier after it.
        assert closure.step_at_closing == route_state(facts_for(case)).current_step, case.pk
        steps[closure.step_at_closing] += 1
        reasons[closure.reason] += 1
    assert sum(steps.values()) > 40
    # Most routes stop at step 2 (seed 004); every step occurs.
    assert set(steps) == {Step.CONSULTATION, Step.CONVERSATION, Step.WEIGHING, Step.DECISION}
    assert steps.most_common(1)[0][0] == Step.CONSULTATION
    assert set(reasons) <= set(Closure.Reason.values)
    assert len(reasons) >= 6
    # "Nobody recorded why" is Haven's own closing: some, not most, with no explanation and no person.
    assert 0 < reasons[Closure.Reason.NOT_RECORDED] < 0.25 * sum(reasons.values())
    for closure in Closure.objects.all():
        by_haven = closure.reason == Closure.Reason.NOT_RECORDED
        assert (closure.explanation == "") == by_haven
        event = AuditEvent.objects.get(action="case.close", object_id=closure.pk)
        assert (event.actor_id is None) == by_haven
        assert event.detail == {"reason": closure.reason, "step": closure.step_at_closing}


def test_regions_municipality_codes_and_public_figures_are_generated(monitored):
    municipality = Municipality.objects.get()
    assert re.fullmatch(r"GM\d{4}", municipality.code)
    region = Region.objects.get()
    assert list(region.municipalities.all()) == [municipality]
    officer = AnalystMembership.objects.get(region=region).user
    assert officer.username == "regio-0001" and officer.check_password(scale.DEFAULT_PASSWORD)
    assert actor_for(officer)[0].role == "region_analyst"
    assert signed_in("regio-0001").get(reverse("insights:overview")).status_code == 200

    today = timezone.localdate()
    figures = {f.year: f for f in PublicFigure.objects.filter(municipality=municipality)}
    assert sorted(figures) == list(range(today.year - 5, today.year + 1))
    # This year only the pupils are known (CBS publishes Veilig Thuis's figures after the year).
    this_year = figures[today.year]
    assert this_year.pupils_primary and this_year.advice_requests_education is None
    assert this_year.reports_education is None and this_year.referral_index_signals_primary is None
    haven_pupils = Pupil.objects.count()
    own = rollup_totals_per_calendar_year()
    for year, figure in figures.items():
        # Haven's schools are part of the municipality's: more pupils, and never fewer published counts.
        assert haven_pupils < figure.pupils_primary < 2 * haven_pupils, figure.pupils_primary
        if year < today.year:
            assert figure.advice_requests_education >= own[(year, metrics.ADVICE_REQUESTS)]
            assert figure.reports_education >= own[(year, metrics.REPORTS)]
            assert figure.referral_index_signals_primary >= own[(year, metrics.REFERRAL_INDEX_PLACED)]
    assert AuditEvent.objects.filter(action="insights.import_public_figures", object_id=region.pk).count() == 1


def rollup_totals_per_calendar_year() -> Counter:
    totals = Counter()
    for month, metric, n in RollupCount.objects.values_list("month", "metric", "count"):
        totals[(month.year, metric)] += n
    return totals


def test_the_rollups_of_every_school_are_what_refresh_insights_counts(monitored):
    today = timezone.localdate()
    schools = list(School.objects.all())
    assert RollupState.objects.count() == len(schools)
    for school in schools:
        counts, snapshots = rollups.build(school, today)
        stored = RollupCount.objects.filter(school=school).values_list("month", "metric", "dimension", "count")
        assert sorted(stored) == sorted((r.month, r.metric, r.dimension, r.count) for r in counts), school.pk
        routes = RouteSnapshot.objects.filter(school=school).values_list("step", "open", "stalled")
        assert sorted(routes) == sorted((r.step, r.open, r.stalled) for r in snapshots), school.pk
    metrics_counted = set(RollupCount.objects.values_list("metric", flat=True))
    assert {metrics.ADVICE_REQUESTS, metrics.REFERRAL_INDEX_PLACED, metrics.CLOSURES, metrics.PUPILS} <= metrics_counted
    dimensions = set(RollupCount.objects.filter(metric=metrics.ADVICE_REQUESTS).values_list("dimension", flat=True))
    assert {"loose:anonymous", "loose:named", "dossier:anonymous"} <= dimensions
    assert AuditEvent.objects.filter(action="insights.refresh").count() == 1
    # The nightly job finds nothing to change.
    before = sorted(RollupCount.objects.values_list("school_id", "month", "metric", "dimension", "count"))
    call_command("refresh_insights", stdout=io.StringIO())
    assert sorted(RollupCount.objects.values_list("school_id", "month", "metric", "dimension", "count")) == before
    assert verify_chain().count == AuditEvent.objects.count()


def test_municipalities_form_regions_of_seven_fourteen_and_twenty_one(db, monkeypatch):
    monkeypatch.setattr(scale, "SCHOOLS_PER_MUNICIPALITY", 1)  # a municipality per school
    generate("--schools", "24", "--pupils-per-school", "8", "--years", "1")
    regions = list(Region.objects.order_by("pk").annotate(n=Count("municipalities")))
    assert [region.n for region in regions] == [7, 14, 3]
    assert Municipality.objects.filter(regions__isnull=True).count() == 0
    assert Municipality.objects.annotate(n=Count("regions")).filter(n__gt=1).count() == 0
    assert sorted(AnalystMembership.objects.filter(region__isnull=False).values_list("user__username", flat=True)) == [
        "regio-0001",
        "regio-0002",
        "regio-0003",
    ]
    codes = list(Municipality.objects.values_list("code", flat=True))
    assert len(set(codes)) == 24 and all(re.fullmatch(r"GM\d{4}", code) for code in codes)
    assert PublicFigure.objects.count() == 24 * 6


def test_a_model_field_without_a_default_stops_the_generator_with_its_name():
    with pytest.raises(scale.ScaleDataError, match="meldcode.Signal.facts"):
        scale.Table(Signal, ("school_id", "pupil_id", "author_id", "observed_at", "source"), timezone.now())


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_rows_are_written_while_the_next_ones_are_generated():
    """The command's own mode: on PostgreSQL a writer thread with its own connection, one transaction a chunk."""
    output = generate("--schools", "3", "--pupils-per-school", "30", "--years", "2", "--seed", "5")
    assert "3/3 schools" in output
    assert Pupil.objects.count() == 90
    assert verify_chain().count == AuditEvent.objects.count() == AuditChainHead.objects.get(pk=1).last_sequence
    assert signed_in("af-0001").get(reverse("meldcode:inbox")).status_code == 200


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_the_writer_refuses_a_chunk_when_someone_else_moved_the_audit_chain():
    writer = scale.Writer(background=True)
    writer.begin((12345, "f" * 64))  # not where the chain head is
    with pytest.raises(scale.ScaleDataError, match="Someone else wrote to the audit log"):
        writer.close()
    assert not AuditEvent.objects.exists()
