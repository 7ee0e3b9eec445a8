"""The demo data (`manage.py seed_demo`) and the school bootstrap it starts with.

The demo is what a new developer or a school sees first, so it must cover every step of the route,
be the same every time, never run twice over itself, and never run in production.
"""

import base64
import io
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from haven.access.middleware import actor_for
from haven.accounts.models import AnalystMembership, Membership, User
from haven.accounts.totp import plain_key
from haven.audit.models import AuditEvent
from haven.meldcode import queries
from haven.meldcode.models import Case, Consultation, Conversation, LookAlongRequest, Signal
from haven.meldcode.workflow import NextAction, Step, route_state
from haven.organisations.bootstrap import bootstrap_school
from haven.organisations.models import School
from haven.pupils.models import Pupil

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


@pytest.fixture
def seeded(db) -> str:
    return seed()


def test_second_run_changes_nothing(seeded):
    before = counts()
    output = seed()
    assert counts() == before
    assert "nothing was changed" in output


def test_accounts_have_their_roles_and_the_demo_password(seeded, settings):
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
    assert User.objects.count() == len(DEMO_ROLES) + 2


def test_output_lists_accounts_password_and_address_but_no_case_content(seeded, settings):
    for username, _brin in DEMO_ROLES:
        assert username in seeded
    assert settings.HAVEN_DEMO_PASSWORD in seeded
    assert "http://127.0.0.1:8000/" in seeded
    for pupil in Pupil.objects.filter(cases__isnull=False):
        assert pupil.last_name not in seeded


def test_groups_and_pupils(seeded):
    for school in School.objects.all():
        groups = {g.name: g for g in school.groups.filter(school_year="2026-2027")}
        assert set(groups) == {"Groep 3", "Groep 5", "Groep 7"}
        for group in groups.values():
            assert group.pupils.count() == 25
    regenboog = School.objects.get(brin_code="99RB")
    taught = {g.name: {t.username for t in g.teachers.all()} for g in regenboog.groups.all()}
    assert taught == {"Groep 3": {"onderwijsassistent"}, "Groep 5": {"leerkracht"}, "Groep 7": {"leerkracht2"}}


def test_the_route_is_covered_in_every_step(seeded):
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


def test_the_details_the_demo_promises(seeded):
    regenboog = School.objects.get(brin_code="99RB")
    assert Consultation.objects.filter(case__school=regenboog, consulted="veilig_thuis", anonymous=True).exists()
    assert Conversation.objects.filter(case__school=regenboog, acknowledgement="seen").exists()
    assert Signal.objects.filter(school=regenboog, source="police_notice").exists()
    assert any("gut_feeling" in s.categories for s in Signal.objects.filter(school=regenboog))
    assert Signal.objects.filter(school=regenboog, status="noted").exclude(noted_reason="").exists()
    assert LookAlongRequest.objects.filter(school=regenboog, picked_up_at__isnull=True).exists()
    assert LookAlongRequest.objects.filter(school=regenboog, picked_up_at__isnull=False).exists()
    assert Case.objects.filter(school__brin_code="99WW").count() == 2


def test_new_signals_wait_in_the_inbox(seeded):
    assert queries.inbox_signals(actor("af")).count() >= 3


def test_the_teacher_has_her_own_signals_and_dossiers(seeded):
    teacher = actor("leerkracht")
    assert queries.own_signals(teacher).count() >= 5
    assert queries.case_list(teacher).count() >= 3


def test_everything_is_audited(seeded):
    assert AuditEvent.objects.filter(action="signal.log").count() == Signal.objects.count()
    assert AuditEvent.objects.filter(action="case.open").count() == Case.objects.count()
    bootstraps = AuditEvent.objects.filter(action="school.bootstrap")
    assert bootstraps.count() == 3
    assert all(event.actor_id is None for event in bootstraps)


def test_dates_lie_in_the_past(seeded):
    assert not Signal.objects.filter(observed_at__gt=timezone.now()).exists()
    assert not Consultation.objects.filter(held_on__gt=timezone.localdate()).exists()


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


def test_the_demo_shows_what_happens_after_the_decision(seeded):
    from django.utils import timezone

    from haven.followup.models import HelpPlan, ReportFollowUp
    from haven.signalling.models import Sibling
    from haven.tasks.registry import tasks_for

    assert HelpPlan.objects.count() == 3
    assert [f.outcome for f in ReportFollowUp.objects.all()].count("confirmed") == 1  # encrypted: not a filter
    assert Sibling.objects.count() == 1
    tasks = tasks_for(actor("af"), timezone.localdate())
    overdue = {task.key.split(":")[0] for task in tasks if task.overdue}
    assert {"feedback", "evaluation"} <= overdue
