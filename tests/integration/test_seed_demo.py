"""The demo data (`manage.py seed_demo`) and the school bootstrap it starts with.

The demo is what a new developer or a school sees first, so it must cover every step of the route,
be the same every time, never run twice over itself, and never run in production. Its monitoring
is worth looking at: five school years of history for the region's ten schools, every event at
its real moment (none in the future), a region with its policy officer and public figures, and
the demo's own schools left as the demo describes them.
"""

import base64
import datetime as dt
import io
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Q
from django.test import override_settings
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.access.middleware import actor_for
from haven.access.roles import Role
from haven.accounts.models import AccountLink, AnalystMembership, Membership, User
from haven.accounts.totp import plain_key
from haven.audit.models import AuditEvent
from haven.external_signals.models import ReferralIndexEntry
from haven.handover.models import HandoverNotice
from haven.home.queries import open_cases, route_of
from haven.insights.models import PublicFigure, Region
from haven.meldcode import queries
from haven.meldcode.models import (
    AdviceRequest,
    Case,
    Closure,
    Consultation,
    Conversation,
    Decision,
    LookAlongRequest,
    Signal,
)
from haven.meldcode.workflow import NextAction, Step, route_state
from haven.organisations.bootstrap import bootstrap_school
from haven.organisations.models import Board, School
from haven.pupils.models import GroupPlacement, Pupil
from haven.tools import demo_data, demo_history

DEMO_ROLES = {
    ("leerkracht", "99RB"): "teacher",
    ("leerkracht2", "99RB"): "teacher",
    ("onderwijsassistent", "99RB"): "teaching_assistant",
    ("ib", "99RB"): "care_coordinator",
    ("af", "99RB"): "safeguarding_lead",
    ("directie", "99RB"): "school_leader",
    ("beheerder", "99RB"): "functional_admin",
    ("af2", "99WW"): "safeguarding_lead",
    ("beheerder2", "99WW"): "functional_admin",
    ("leerkracht3", "99WW"): "teacher",
    ("af3", "99VL"): "safeguarding_lead",
    ("beheerder3", "99VL"): "functional_admin",
}
TWO_FACTOR_ROLES = {"care_coordinator", "safeguarding_lead", "school_leader", "functional_admin"}
HISTORY_YEARS = ["2022-2023", "2023-2024", "2024-2025", "2025-2026", "2026-2027"]
DEMO_BRINS = {s.brin for s in demo_data.SCHOOLS}


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in (Signal, Case, AuditEvent, User, Pupil)}


def actor(username: str):
    found, _membership = actor_for(User.objects.get(username=username))
    assert found is not None
    return found


@pytest.fixture(scope="class")
def seeded_database(django_db_setup, django_db_blocker):
    """One seeded database for all tests of the class (seeding five years takes a while), kept in a
    transaction that is rolled back after them: the tests outside the class start empty."""
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield seed()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def seeded(seeded_database, db) -> str:
    return seeded_database


def demo_children() -> Q:
    """The pupils of the demo's own dossiers and signals (demo_data.CHILDREN), as a filter on Pupil."""
    query = Q(pk__in=[])
    for child in demo_data.CHILDREN:
        query |= Q(school__brin_code=child.school, first_name=child.first_name, last_name=child.last_name)
    return query


def school_year(day: dt.date) -> str:
    return f"{day.year}-{day.year + 1}" if day.month >= 8 else f"{day.year - 1}-{day.year}"


class TestTheSeededDemo:
    def test_second_run_changes_nothing(self, seeded):
        before = counts()
        output = seed()
        assert counts() == before
        assert "nothing was changed" in output

    def test_accounts_have_their_roles_and_the_demo_password(self, seeded, settings):
        for (username, brin), role in DEMO_ROLES.items():
            membership = Membership.objects.get(user__username=username)
            assert (membership.school.brin_code, membership.role) == (brin, role), username
            assert membership.user.check_password(settings.HAVEN_DEMO_PASSWORD)
            assert membership.user.email.endswith("@example.org")
            # Everyone who must sign in with two factors has the published demo authenticator.
            devices = TOTPDevice.objects.filter(user=membership.user, name="default", confirmed=True)
            if role in TWO_FACTOR_ROLES:
                assert plain_key(devices.get()) == base64.b32decode("JBSWY3DPEHPK3PXP").hex(), username
            else:
                assert not devices.exists(), username
        board, municipality = (AnalystMembership.objects.get(user__username=name) for name in ("bestuur", "gemeente"))
        assert board.board.name == "Stichting Primair Onderwijs Zonnedal" and board.municipality is None
        assert municipality.municipality.name == "Zonnedal" and municipality.board is None
        history_staff = 4 * len(demo_history.HISTORY_SCHOOLS)
        assert User.objects.count() == len(DEMO_ROLES) + 3 + history_staff

    def test_output_lists_accounts_password_and_address_but_no_case_content(self, seeded, settings):
        for username, _brin in DEMO_ROLES:
            assert username in seeded
        assert settings.HAVEN_DEMO_PASSWORD in seeded
        assert "http://127.0.0.1:8000/" in seeded
        assert "manage.py demo_code" in seeded

    def test_a_run_names_the_port_it_was_given(self, seeded):
        out = io.StringIO()
        call_command("seed_demo", "--port", "8001", stdout=out)
        assert "http://127.0.0.1:8001/" in out.getvalue()
        assert "runserver 127.0.0.1:8001" in out.getvalue()
        for pupil in Pupil.objects.filter(cases__isnull=False):
            assert pupil.last_name not in seeded

    def test_groups_and_pupils(self, seeded):
        for school in School.objects.all():
            groups = {g.name: g for g in school.groups.filter(school_year="2026-2027")}
            assert set(groups) == {f"Groep {grade}" for grade in range(1, 9)}, school.brin_code
            if school.brin_code in DEMO_BRINS:
                # The demo's own groups: its children and the classmates who came up from last year.
                for name in ("Groep 3", "Groep 5", "Groep 7"):
                    assert groups[name].pupils.count() == 25
                    members = groups[name].pupils.values("pk")
                    assert Pupil.objects.filter(pk__in=members, placements__school_year="2025-2026").count() >= 15
        regenboog = School.objects.get(brin_code="99RB")
        taught = {g.name: {t.username for t in g.teachers.all()} for g in regenboog.groups.exclude(teachers=None)}
        assert taught == {"Groep 3": {"onderwijsassistent"}, "Groep 5": {"leerkracht"}, "Groep 7": {"leerkracht2"}}

    def test_the_route_is_covered_in_every_step(self, seeded):
        af = actor("af")
        cases = list(queries.case_list(af, "all"))
        assert len(cases) >= 14
        states = {case.pupil.full_name: route_state(queries.facts_for(case)) for case in cases}
        current = Counter(state.current_step for state in states.values())
        next_actions = {state.next_action for state in states.values()}
        for step in (Step.CONSULTATION, Step.CONVERSATION, Step.WEIGHING, Step.DECISION):
            assert current[step] >= 1, step
        assert {
            NextAction.RECORD_CONSULTATION,
            NextAction.RECORD_CONVERSATION,
            NextAction.RECORD_WEIGHING,
            NextAction.RECORD_DECISION,
            NextAction.FOLLOW_HELP,
            NextAction.MAKE_REPORT,
            NextAction.PHONE_AND_REPORT,
            NextAction.REOPEN_IF_NEEDED,
        } <= next_actions
        facts = [queries.facts_for(case) for case in cases]
        assert sum(f.report_made for f in facts) >= 1
        assert sum(f.closed for f in facts) >= 1
        assert sum(f.acute for f in facts) >= 1
        assert sum(Step.CONVERSATION in f.skipped_steps and not f.acute for f in facts) >= 1

    def test_the_readme_tells_what_the_demo_school_holds(self, seeded):
        """README: 13 open dossiers (two in each of steps 2, 3 and 4, seven at or after the decision),
        more than twenty closed ones, 4 signals in the inbox."""
        af = actor("af")
        open_steps = Counter(route_of(case).current_step for case in open_cases(af))
        assert open_steps == {Step.CONSULTATION: 2, Step.CONVERSATION: 2, Step.WEIGHING: 2, Step.DECISION: 7}
        assert Case.objects.filter(pupil__school__brin_code="99RB", status=Case.Status.CLOSED).count() > 20
        assert len(list(queries.inbox_signals(af))) == 4

    def test_the_details_the_demo_promises(self, seeded):
        regenboog = School.objects.get(brin_code="99RB")
        assert Consultation.objects.filter(case__school=regenboog, consulted="veilig_thuis", anonymous=True).exists()
        assert Conversation.objects.filter(case__school=regenboog, acknowledgement="seen").exists()
        assert Signal.objects.filter(school=regenboog, source="police_notice").exists()
        assert any("gut_feeling" in s.categories for s in Signal.objects.filter(school=regenboog))
        assert Signal.objects.filter(school=regenboog, status="noted").exclude(noted_reason="").exists()
        assert LookAlongRequest.objects.filter(school=regenboog, picked_up_at__isnull=True).exists()
        assert LookAlongRequest.objects.filter(school=regenboog, picked_up_at__isnull=False).exists()
        assert (
            Case.objects.filter(school__brin_code="99WW")
            .filter(pupil__in=Pupil.objects.filter(demo_children()))
            .count()
            == 2
        )

    def test_new_signals_wait_in_the_inbox(self, seeded):
        assert queries.inbox_signals(actor("af")).count() >= 3

    def test_the_teacher_has_her_own_signals_and_dossiers(self, seeded):
        teacher = actor("leerkracht")
        assert queries.own_signals(teacher).count() >= 5
        assert queries.case_list(teacher).count() >= 3

    def test_everything_is_audited(self, seeded):
        assert AuditEvent.objects.filter(action="signal.log").count() == Signal.objects.count()
        assert AuditEvent.objects.filter(action="case.open").count() == Case.objects.count()
        bootstraps = AuditEvent.objects.filter(action="school.bootstrap")
        assert bootstraps.count() == len(demo_data.SCHOOLS) + len(demo_history.HISTORY_SCHOOLS)
        assert all(event.actor_id is None for event in bootstraps)

    def test_dates_lie_in_the_past(self, seeded):
        assert not Signal.objects.filter(observed_at__gt=timezone.now()).exists()
        assert not Consultation.objects.filter(held_on__gt=timezone.localdate()).exists()

    def test_the_demo_shows_what_happens_after_the_decision(self, seeded):
        from django.utils import timezone

        from haven.followup.models import HelpPlan, ReportFollowUp
        from haven.pupils.models import Sibling
        from haven.tasks.registry import tasks_for

        children = Pupil.objects.filter(demo_children())
        assert HelpPlan.objects.filter(case__pupil__in=children).count() == 3
        follow_ups = ReportFollowUp.objects.filter(report__case__pupil__in=children)
        assert [f.outcome for f in follow_ups].count("confirmed") == 1  # encrypted: not a filter
        assert Sibling.objects.count() == 1
        tasks = tasks_for(actor("af"), timezone.localdate())
        overdue = {task.key.split(":")[0] for task in tasks if task.overdue}
        assert {"feedback", "evaluation"} <= overdue

    # The history ------------------------------------------------------------------------------------

    def test_five_school_years_of_pupils_for_every_school(self, seeded):
        placements = Counter(GroupPlacement.objects.values_list("group__school__brin_code", "school_year"))
        schools = School.objects.values_list("brin_code", flat=True)
        assert len(schools) == 10
        for brin in schools:
            for year in HISTORY_YEARS:
                assert 150 <= placements[brin, year] <= 350, (brin, year)

    def test_events_happened_at_their_moments_over_five_school_years_and_none_in_the_future(self, seeded):
        now = timezone.now()
        signal_years = Counter(
            school_year(timezone.localtime(s)) for s in Signal.objects.values_list("observed_at", flat=True)
        )
        assert set(signal_years) == set(HISTORY_YEARS)
        assert signal_years["2025-2026"] > signal_years["2022-2023"]  # more signals in the later years
        moments = list(AuditEvent.objects.order_by("sequence").values_list("at", flat=True))
        assert moments == sorted(moments)  # along the chain time never goes back
        assert moments[-1] <= now
        assert {school_year(timezone.localtime(m)) for m in moments} == set(HISTORY_YEARS)
        for model, field in ((Case, "opened_at"), (Closure, "recorded_at"), (Decision, "decided_at")):
            years = {school_year(timezone.localtime(m)) for m in model.objects.values_list(field, flat=True)}
            assert len(years) >= 4, model
            assert not model.objects.filter(**{f"{field}__gt": now}).exists()
        # The record and its audit event carry the same historical moment (the seeding clock).
        logged = dict(AuditEvent.objects.filter(action="signal.log").values_list("object_id", "at"))
        old = Signal.objects.filter(created_at__lt=now - dt.timedelta(days=30))
        assert old.count() > 300
        assert all(logged[s.pk] == s.created_at for s in old)
        assert not Signal.objects.filter(created_at__lt=timezone.now() - dt.timedelta(days=5 * 366)).exists()

    def test_advice_requests_and_verwijsindex_signals_without_a_dossier(self, seeded):
        requests = list(AdviceRequest.objects.all())
        assert len({school_year(r.held_on) for r in requests}) == 5
        assert {r.anonymous for r in requests} == {True, False}
        assert all(r.pupil_id is None for r in requests if r.anonymous)
        loose = ReferralIndexEntry.objects.filter(case=None, action=ReferralIndexEntry.Action.PLACED)
        assert loose.count() >= 10 and not loose.filter(pupil=None).exists()
        assert ReferralIndexEntry.objects.filter(case__isnull=False).exists()

    def test_the_audit_chain_verifies(self, seeded):
        out = io.StringIO()
        call_command("verify_audit", stdout=out)
        assert f"verified {AuditEvent.objects.count()} events" in out.getvalue()

    def test_routes_stop_at_different_steps_most_at_step_2_for_the_reasons_asked(self, seeded):
        closed = Case.objects.filter(status=Case.Status.CLOSED).prefetch_related(
            "signals", "consultations", "conversations", "stepskips", "weighings", "decisions", "reports", "closures"
        )
        steps = Counter(route_state(queries.facts_for(case)).current_step for case in closed)
        assert steps.most_common(1)[0][0] == Step.CONSULTATION
        assert {Step.CONSULTATION, Step.CONVERSATION, Step.WEIGHING, Step.DECISION} <= set(steps)
        closures = list(Closure.objects.all())  # encrypted: read in Python
        assert set(Closure.Reason.values) == {c.reason for c in closures}
        # "Nobody recorded why": Haven's own closing when a pupil left, by no person, with no explanation.
        unrecorded = [c for c in closures if c.reason == Closure.Reason.NOT_RECORDED]
        assert unrecorded and all(c.recorded_by_id is None and not c.explanation for c in unrecorded)
        assert Counter(c.step_at_closing for c in closures).most_common(1)[0][0] == Step.CONSULTATION

    def test_the_region_its_municipalities_boards_and_policy_officer(self, seeded, settings):
        region = Region.objects.get(name="Regio Zonnedal e.o.")
        assert set(region.municipalities.values_list("code", "name")) == {
            ("GM9900", "Zonnedal"),
            ("GM9901", "Beekveld"),
            ("GM9902", "Heideloo"),
        }
        schools_per_board = Counter(School.objects.values_list("board__name", flat=True))
        assert sorted(schools_per_board.values()) == [1, 2, 3, 4]  # boards under 3 schools are merged on the pages
        assert Board.objects.count() == 4
        officer = User.objects.get(username="regio")
        assert officer.check_password(settings.HAVEN_DEMO_PASSWORD)
        assert AnalystMembership.objects.get(user=officer).region == region
        found = actor("regio")
        assert (found.role, found.region_id, found.school_id) == (Role.REGION_ANALYST, region.pk, None)
        assert "regio" in seeded and "Regio Zonnedal e.o." in seeded

    def test_public_figures_for_the_region(self, seeded):
        this_year = timezone.localdate().year
        for code in ("GM9900", "GM9901", "GM9902"):
            rows = {f.year: f for f in PublicFigure.objects.filter(municipality__code=code)}
            assert sorted(rows) == list(range(this_year - 5, this_year + 1))
            for year in range(this_year - 5, this_year):
                row = rows[year]
                assert 2000 <= row.pupils_primary <= 9000
                assert 0 < row.reports_education < row.advice_requests_education
                assert row.referral_index_signals_primary
            # This year only DUO's count of 1 October is out.
            assert rows[this_year].pupils_primary and rows[this_year].reports_education is None

    def test_the_history_leaves_the_demo_schools_as_the_demo_describes_them(self, seeded):
        children = Pupil.objects.filter(demo_children())
        demo_schools = Q(school__brin_code__in=DEMO_BRINS)
        # What is open or waiting in the demo's schools is the demo's own; the history there is closed.
        assert not Case.objects.filter(demo_schools, status=Case.Status.OPEN).exclude(pupil__in=children).exists()
        assert not Signal.objects.filter(demo_schools, status=Signal.Status.NEW).exclude(pupil__in=children).exists()
        assert Case.objects.filter(demo_schools).exclude(pupil__in=children).count() >= 30
        assert not HandoverNotice.objects.exists()
        # Elsewhere some routes are still open, at different steps.
        elsewhere = (
            Case.objects.filter(status=Case.Status.OPEN)
            .exclude(demo_schools)
            .prefetch_related(
                "signals",
                "consultations",
                "conversations",
                "stepskips",
                "weighings",
                "decisions",
                "reports",
                "closures",
            )
        )
        assert len({route_state(queries.facts_for(case)).current_step for case in elsewhere}) >= 3

    def test_the_history_schools_staff_cannot_sign_in(self, seeded):
        for school in demo_history.HISTORY_SCHOOLS:
            for person in (school.admin, *school.people):
                user = User.objects.get(username=person.username)
                assert not user.has_usable_password(), person.username
                assert not AccountLink.objects.filter(user=user, used_at__isnull=True).exists()
                assert person.username not in seeded


# Outside the seeded database -------------------------------------------------------------------


def test_demo_code_prints_the_code_an_authenticator_shows_now(db, settings):
    """The code the README points to: it signs in, so the demo needs no authenticator app or oathtool."""
    out = io.StringIO()
    call_command("demo_code", stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    assert TOTP(base64.b32decode(demo_data.DEMO_TOTP_SECRET)).verify(int(code), tolerance=1)
    settings.HAVEN_ENV = "production"
    with pytest.raises(CommandError, match="production"):
        call_command("demo_code", stdout=io.StringIO())


def test_production_refuses(db, settings):
    settings.HAVEN_ENV = "production"
    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not School.objects.exists()


# The bootstrap of a school -------------------------------------------------------------------

BOOTSTRAP = {
    "board_name": "Stichting Voorbeeld",
    "municipality_name": "Zonnedal",
    "school_name": "OBS Het Anker",
    "brin_code": "12AB",
    "admin_username": "beheer",
    "admin_first_name": "Bea",
    "admin_last_name": "Heer",
    "admin_password": "Kastanjeboom-Zomer-2026",
}


def test_bootstrap_creates_the_school_and_its_administrator_once(db):
    school = bootstrap_school(**BOOTSTRAP)
    membership = Membership.objects.get(user__username="beheer")
    assert (membership.school, membership.role) == (school, "functional_admin")
    assert AuditEvent.objects.filter(action="school.bootstrap", actor=None, school=school).count() == 1
    assert bootstrap_school(**BOOTSTRAP) == school
    assert AuditEvent.objects.filter(action="school.bootstrap").count() == 1


def test_bootstrap_refuses_a_weak_password_and_writes_nothing(db):
    with pytest.raises(ValidationError) as error:
        bootstrap_school(**{**BOOTSTRAP, "admin_password": "12345678"})
    assert "admin_password" in error.value.message_dict
    assert not School.objects.exists()
    assert not User.objects.exists()


def test_bootstrap_refuses_a_brin_code_of_another_board_or_a_taken_username(db):
    bootstrap_school(**BOOTSTRAP)
    with pytest.raises(ValidationError):
        bootstrap_school(**{**BOOTSTRAP, "board_name": "Stichting Anders"})
    with pytest.raises(ValidationError):
        bootstrap_school(**{**BOOTSTRAP, "brin_code": "34CD", "school_name": "CBS Elders"})
    assert School.objects.count() == 1
