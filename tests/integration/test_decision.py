"""Step 5, the decision: the decision framework's advice, and who may decide under the protocol.

Reads as the specification. The decision form starts from the weighing's answers and shows where
the answers lead (live with htmx, or with a "show the advice" button without JavaScript). The
person decides; a decision that differs from the advice needs a justification. Only someone whose
role the school's protocol names may be recorded as the decider.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.meldcode import services
from haven.meldcode.models import Decision
from haven.meldcode.workflow import NextAction
from haven.organisations import services as organisation_services


def _url(case, name="decision_create"):
    return reverse(f"meldcode:{name}", args=[case.pk])


def _case(cast):
    return cast.case("teacher", by="af")


def decision_data(cast, **overrides):
    data = {
        "suspicion": "yes",
        "unsafety": "yes",
        "can_help": "",
        "accepted": "",
        "effective": "",
        "outcome": "report",
        "rationale": "Herhaalde verwondingen; vader ontkent, moeder is bang.",
        "deviation_justification": "",
        "decided_by": cast.af.pk,
        "decided_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(overrides)
    return data


def _errors(response):
    assert response.status_code == 200
    return response.context["form"].errors


# --- The form and the advice --------------------------------------------------------------------


def test_the_decision_form_starts_from_the_weighing(cast):
    case = _case(cast)
    services.record_weighing(cast.actor("ib"), case, suspicion=True, suspicion_explanation="Ja", unsafety=False)
    response = cast.client("af").get(_url(case))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["suspicion"].value() == "yes"
    assert form["unsafety"].value() == "no"
    assert form["can_help"].value() == ""
    assert form["decided_by"].value() == cast.af.pk
    # With these answers the framework waits for question 3.
    advice = response.context["advice"]
    assert (advice.outcome, advice.next_question) == ("pending", 3)
    content = response.content.decode()
    assert 'id="framework-advice"' in content
    assert f'hx-get="{_url(case, "decision_advice")}"' in content


def test_without_a_weighing_the_questions_start_open(cast):
    case = _case(cast)
    response = cast.client("af").get(_url(case))
    form = response.context["form"]
    assert [form[name].value() for name in form.ANSWERS] == ["", "", "", "", ""]
    assert response.context["advice"].outcome == "pending"


@pytest.mark.parametrize(
    ("answers", "outcome"),
    [
        ({"suspicion": "yes", "unsafety": "yes"}, "report"),
        ({"suspicion": "no"}, "close"),
        ({"suspicion": "no", "unsafety": "yes"}, "close"),
        ({"suspicion": "yes", "unsafety": "no", "can_help": "yes", "accepted": "yes"}, "help"),
        ({"suspicion": "yes", "unsafety": "no", "can_help": "no"}, "report"),
        ({"suspicion": "yes", "unsafety": "no", "can_help": "yes", "accepted": "no"}, "report"),
        ({"suspicion": "yes"}, "pending"),
    ],
)
def test_the_advice_partial_follows_the_answers(cast, answers, outcome):
    case = _case(cast)
    response = cast.client("af").get(_url(case, "decision_advice"), answers)
    assert response.status_code == 200
    assert response.context["advice"].outcome == outcome
    assert [t.name for t in response.templates] == ["meldcode/_advice.html"]
    content = response.content.decode()
    assert content.startswith('<div id="framework-advice"')
    assert "<html" not in content


def test_the_advice_partial_writes_nothing(cast):
    case = _case(cast)
    client = cast.client("af")  # signing in is itself an audit event
    before = AuditEvent.objects.count()
    client.get(_url(case, "decision_advice"), {"suspicion": "yes", "unsafety": "yes"})
    assert AuditEvent.objects.count() == before
    assert not Decision.objects.exists()


def test_the_preview_without_javascript_shows_the_advice_and_saves_nothing(cast):
    case = _case(cast)
    data = decision_data(cast, unsafety="no", can_help="yes", accepted="no", preview="1", outcome="help")
    response = cast.client("af").post(_url(case), data)
    assert response.status_code == 200
    assert response.context["advice"].outcome == "report"
    form = response.context["form"]
    assert not form.is_bound  # re-shown, not validated: no errors for a half-filled form
    assert form["can_help"].value() == "yes"
    assert form["accepted"].value() == "no"
    assert form["rationale"].value() == data["rationale"]
    assert not Decision.objects.exists()
    assert not AuditEvent.objects.filter(action="case.decision").exists()


# --- Recording the decision ---------------------------------------------------------------------


def test_a_decision_that_follows_the_advice_is_saved(cast):
    case = _case(cast)
    response = cast.client("af").post(_url(case), decision_data(cast))
    assert response.status_code == 302
    assert response.url == _url(case, "case_detail")
    decision = Decision.objects.get()
    assert decision.case == case
    assert decision.recorded_by == cast.af
    assert (decision.suspicion, decision.unsafety, decision.can_help) == (True, True, None)
    assert decision.advice == "report"
    assert decision.outcome == "report"
    assert decision.rationale == "Herhaalde verwondingen; vader ontkent, moeder is bang."
    assert decision.deviation_justification == ""
    event = AuditEvent.objects.get(action="case.decision", case=case)
    assert event.actor == cast.af
    assert event.detail == {"outcome": "report", "advice": "report", "decided_by": str(cast.af)}
    page = cast.client("af").get(_url(case, "case_detail"))
    assert page.context["d"].route.next_action == NextAction.MAKE_REPORT
    assert page.context["next_url"] == _url(case, "report_edit")


def test_reporting_and_helping_is_never_less_than_advised(cast):
    case = _case(cast)
    response = cast.client("af").post(_url(case), decision_data(cast, outcome="report_and_help"))
    assert response.status_code == 302
    assert Decision.objects.get().outcome == "report_and_help"


def test_a_decision_against_the_advice_needs_a_justification(cast):
    case = _case(cast)
    response = cast.client("af").post(_url(case), decision_data(cast, outcome="close"))
    errors = _errors(response)
    assert list(errors) == ["deviation_justification"]
    assert not Decision.objects.exists()
    assert not AuditEvent.objects.filter(action="case.decision").exists()


def test_a_decision_against_the_advice_with_a_justification_is_saved(cast):
    case = _case(cast)
    response = cast.client("af").post(
        _url(case),
        decision_data(cast, outcome="help", deviation_justification="Ouders werken mee; VT adviseerde hulp."),
    )
    assert response.status_code == 302
    decision = Decision.objects.get()
    assert (decision.advice, decision.outcome) == ("report", "help")
    assert decision.deviation_justification == "Ouders werken mee; VT adviseerde hulp."


def test_a_decision_needs_a_rationale_and_a_moment_not_in_the_future(cast):
    case = _case(cast)
    client = cast.client("af")
    assert "rationale" in _errors(client.post(_url(case), decision_data(cast, rationale="")))
    tomorrow = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert "decided_at" in _errors(client.post(_url(case), decision_data(cast, decided_at=tomorrow)))
    assert not Decision.objects.exists()


def test_the_decider_may_be_another_protocol_role_and_joins_the_dossier(cast):
    case = _case(cast)
    assert not case.members.filter(pk=cast.leader.pk).exists()
    cast.client("af").post(_url(case), decision_data(cast, decided_by=cast.leader.pk))
    decision = Decision.objects.get()
    assert decision.recorded_by == cast.af
    assert AuditEvent.objects.get(action="case.decision").detail["decided_by"] == str(cast.leader)
    assert case.members.filter(pk=cast.leader.pk).exists()


# --- Who may decide: the school's protocol ------------------------------------------------------


def test_someone_outside_the_protocol_cannot_be_the_decider(cast):
    case = _case(cast)
    response = cast.client("af").post(_url(case), decision_data(cast, decided_by=cast.ib.pk))
    errors = _errors(response)
    assert list(errors) == ["decided_by"]
    assert str(cast.ib) in errors["decided_by"][0]
    assert not Decision.objects.exists()
    assert not case.members.filter(pk=cast.ib.pk).exists()


@pytest.mark.parametrize("name", ["teacher", "admin"])
def test_a_teacher_or_the_admin_cannot_be_the_decider(cast, name):
    case = _case(cast)
    response = cast.client("af").post(_url(case), decision_data(cast, decided_by=cast.users[name].pk))
    assert "decided_by" in _errors(response)
    assert not Decision.objects.exists()


@pytest.mark.parametrize("manager", ["leader", "admin"])
def test_when_the_protocol_names_the_ib_she_may_decide(cast, manager):
    case = _case(cast)
    ib = cast.client("ib")
    assert ib.get(_url(case)).status_code == 403
    organisation_services.set_protocol(
        cast.actor(manager),
        cast.school_a,
        decision_roles=["care_coordinator", "safeguarding_lead", "school_leader"],
        report_roles=["safeguarding_lead", "school_leader"],
    )
    # The AF may now record the IB as the decider...
    response = cast.client("af").post(_url(case), decision_data(cast, decided_by=cast.ib.pk))
    assert response.status_code == 302
    assert AuditEvent.objects.get(action="case.decision").detail["decided_by"] == str(cast.ib)
    # ...and the IB opens the decision page and decides herself.
    assert ib.get(_url(case)).status_code == 200
    response = ib.post(_url(case), decision_data(cast, decided_by=cast.ib.pk, outcome="report_and_help"))
    assert response.status_code == 302
    assert Decision.objects.count() == 2
    assert Decision.objects.order_by("pk").last().recorded_by == cast.ib


def test_when_the_protocol_drops_the_af_she_can_no_longer_be_the_decider(cast):
    case = _case(cast)
    organisation_services.set_protocol(
        cast.actor("leader"), cast.school_a, decision_roles=["school_leader"], report_roles=["school_leader"]
    )
    assert cast.client("af").get(_url(case)).status_code == 403
    response = cast.client("leader").post(_url(case), decision_data(cast, decided_by=cast.af.pk))
    assert "decided_by" in _errors(response)
    assert not Decision.objects.exists()


def test_a_closed_dossier_takes_no_decision(cast):
    case = _case(cast)
    services.close_case(cast.actor("af"), case, reason="too_vague", explanation="Te vaag.")
    response = cast.client("af").post(_url(case), decision_data(cast))
    assert response.context["form"].non_field_errors()
    assert not Decision.objects.exists()


def test_question_5_is_answered_later_with_a_new_decision(cast):
    case = _case(cast)
    client = cast.client("af")
    help_now = decision_data(cast, unsafety="no", can_help="yes", accepted="yes", outcome="help")
    assert client.post(_url(case), help_now).status_code == 302
    page = client.get(_url(case, "case_detail"))
    assert page.context["d"].route.next_action == NextAction.FOLLOW_HELP
    # At the agreed moment the form starts from the earlier answers, with question 5 still open.
    form = client.get(_url(case)).context["form"]
    assert [form[name].value() for name in form.ANSWERS] == ["yes", "no", "yes", "yes", ""]
    assert client.post(_url(case), dict(help_now, effective="no", outcome="report")).status_code == 302
    latest = Decision.objects.order_by("pk").last()
    assert (latest.effective, latest.advice, latest.outcome) == (False, "report", "report")
    page = client.get(_url(case, "case_detail"))
    assert page.context["d"].route.next_action == NextAction.MAKE_REPORT
