"""Help plans and question 5: what help, by whom, the term, and the evaluation moments.

Reads as the specification. When the latest decision is to organise help (with or without a
report), the IB, AF or school leader records the plan: what help, by whom, whether and how it was
agreed with the parents, the term and one or more evaluation moments within it. At each moment,
question 5 is answered with an explanation: "no" goes on to the decision page with question 5
filled in, so the framework advises to report; "yes" goes on to closing, with "help organised and
working" chosen. Missed moments show as overdue, on the dossier page and in the tasks. Bad input
gets a Dutch message and changes nothing. The dossier page stays at a fixed number of queries.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from haven.audit.models import AuditEvent
from haven.followup import providers
from haven.followup import services as followup_services
from haven.followup.models import EvaluationMoment, HelpPlan
from haven.meldcode import services
from haven.meldcode.models import Closure
from tests.builders import HELP, REPORT, make_plan, make_report, new_case, t
from tests.support import count_queries


def today():
    return timezone.localdate()


def days(n):
    return timedelta(days=n)


def help_case(cast, lead="af", outcome="help"):
    case = new_case(cast, lead=lead)
    services.decide(cast.actor("af"), case, answers=HELP, outcome=outcome, rationale="Hulp.", decided_by=cast.af)
    return case


def plan_data(**overrides):
    data = {
        "description": "Schoolmaatschappelijk werk: wekelijks gesprek met moeder.",
        "provided_by": "Schoolmaatschappelijk werk",
        "agreed_with_parents": "yes",
        "parents_agreement": "In een gesprek met beide ouders.",
        "starts_on": today().isoformat(),
        "ends_on": (today() + days(90)).isoformat(),
        "evaluations": [(today() + days(30)).isoformat(), (today() + days(60)).isoformat(), "", ""],
    }
    data.update(overrides)
    return data


def _plan_url(case):
    return reverse("followup:plan_create", args=[case.pk])


def _evaluation_url(moment):
    return reverse("followup:evaluation", args=[moment.pk])


def _dossier(cast, case, who="af"):
    response = cast.client(who).get(reverse("meldcode:case_detail", args=[case.pk]))
    assert response.status_code == 200
    return response


# --- Recording the plan ---------------------------------------------------------------------------


def test_recording_a_help_plan_with_its_evaluation_moments(cast):
    case = help_case(cast)
    assert _plan_url(case) in _dossier(cast, case, "ib").content.decode()
    response = cast.client("ib").post(_plan_url(case), plan_data())
    assert response.status_code == 302
    assert response.url == reverse("meldcode:case_detail", args=[case.pk]) + "#followup"
    plan = HelpPlan.objects.get()
    assert plan.case == case
    assert plan.decision == case.decisions.get()
    assert plan.description == "Schoolmaatschappelijk werk: wekelijks gesprek met moeder."
    assert plan.agreed_with_parents is True
    assert plan.ends_on == today() + days(90)
    assert plan.recorded_by == cast.ib
    assert [m.due_on for m in plan.moments.all()] == [today() + days(30), today() + days(60)]
    event = AuditEvent.objects.get(action="followup.plan")
    assert event.case_id == case.pk
    assert event.detail["evaluations"] == [(today() + days(30)).isoformat(), (today() + days(60)).isoformat()]
    response = _dossier(cast, case, "teacher")  # a member sees the plan
    [row] = response.context["s"].plans
    assert row.current and [m.state for m in row.moments] == ["planned", "planned"]
    assert "Schoolmaatschappelijk werk: wekelijks gesprek met moeder." in response.content.decode()
    assert t("Help plan recorded") in response.content.decode()


def test_help_not_agreed_with_the_parents_is_recorded_as_such(cast):
    case = help_case(cast)
    response = cast.client("af").post(_plan_url(case), plan_data(agreed_with_parents="no", parents_agreement=""))
    assert response.status_code == 302
    assert HelpPlan.objects.get().agreed_with_parents is False


def _refused(cast, case, data):
    response = cast.client("af").post(_plan_url(case), data)
    assert response.status_code == 200
    assert not HelpPlan.objects.exists()
    assert not EvaluationMoment.objects.exists()
    assert not AuditEvent.objects.filter(action="followup.plan").exists()
    return response.context["form"].errors


def test_an_empty_help_description_is_refused_in_dutch(cast):
    case = help_case(cast)
    errors = _refused(cast, case, plan_data(description="   "))
    with translation.override("nl"):
        assert errors == {"description": ["Dit veld is verplicht."]}


def test_an_evaluation_before_the_help_starts_is_refused(cast):
    case = help_case(cast)
    errors = _refused(cast, case, plan_data(evaluations=[(today() - days(1)).isoformat()]))
    assert errors == {"evaluations": [t("An evaluation moment cannot be before the help starts.")]}


def test_a_term_in_the_past_is_refused(cast):
    case = help_case(cast)
    data = plan_data(
        starts_on=(today() - days(60)).isoformat(),
        ends_on=(today() - days(1)).isoformat(),
        evaluations=[(today() - days(30)).isoformat()],
    )
    assert _refused(cast, case, data) == {"ends_on": [t("The end of the term cannot be in the past.")]}


def test_an_evaluation_after_the_term_and_a_term_before_the_start_are_refused(cast):
    case = help_case(cast)
    errors = _refused(cast, case, plan_data(evaluations=[(today() + days(91)).isoformat()]))
    assert errors == {"evaluations": [t("An evaluation moment cannot be after the end of the term.")]}
    errors = _refused(
        cast, case, plan_data(starts_on=(today() + days(10)).isoformat(), ends_on=(today() + days(5)).isoformat())
    )
    assert t("The term cannot end before the help starts.") in errors["ends_on"]


def test_a_plan_needs_an_evaluation_moment_and_how_it_was_agreed(cast):
    case = help_case(cast)
    errors = _refused(cast, case, plan_data(evaluations=["", ""]))
    assert errors == {"evaluations": [t("Plan at least one evaluation moment.")]}
    errors = _refused(cast, case, plan_data(parents_agreement=""))
    assert errors == {"parents_agreement": [t("Say how the help was agreed with the parents.")]}
    errors = _refused(cast, case, plan_data(evaluations=["13-13-2026"]))
    with translation.override("nl"):
        assert errors == {"evaluations": ["Voer een geldige datum in."]}


def test_the_service_refuses_blank_text_too(cast):
    case = help_case(cast)
    with pytest.raises(ValidationError) as refused:
        make_plan(cast, case, description=" ", provided_by="")
    assert set(refused.value.message_dict) == {"description", "provided_by"}
    assert not HelpPlan.objects.exists()


def test_a_plan_needs_a_decision_to_help(cast):
    report = make_report(cast, outcome="report")
    case = report.case
    response = cast.client("af").post(_plan_url(case), plan_data())
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [t("First record a decision to organise help.")]
    assert not HelpPlan.objects.exists()
    assert _plan_url(case) not in _dossier(cast, case).content.decode()


def test_a_teacher_may_not_record_a_plan(cast):
    case = help_case(cast)
    assert cast.client("teacher").post(_plan_url(case), plan_data()).status_code == 403
    assert _plan_url(case) not in _dossier(cast, case, "teacher").content.decode()
    assert not HelpPlan.objects.exists()


# --- Question 5 ----------------------------------------------------------------------------------


def test_q5_no_records_it_and_leads_to_the_decision_page_advising_to_report(cast):
    case = help_case(cast)
    plan = make_plan(cast, case)
    moment = plan.moments.first()
    client = cast.client("af")
    assert _evaluation_url(moment) in _dossier(cast, case).content.decode()
    response = client.post(
        _evaluation_url(moment),
        {"effective": "no", "explanation": "Moeder komt niet meer naar de gesprekken.", "answered_on": today()},
    )
    decision_url = reverse("meldcode:decision_create", args=[case.pk])
    assert response.status_code == 302
    assert response.url == f"{decision_url}?effective=no"
    moment.refresh_from_db()
    assert (moment.effective, moment.answered_on, moment.answered_by) == (False, today(), cast.af)
    assert moment.explanation == "Moeder komt niet meer naar de gesprekken."
    event = AuditEvent.objects.get(action="followup.evaluation")
    assert event.detail == {"plan": plan.pk, "due_on": moment.due_on.isoformat(), "effective": False}

    response = client.get(response.url)
    assert response.status_code == 200
    form = response.context["form"]
    assert [form[name].value() for name in form.ANSWERS] == ["yes", "no", "yes", "yes", "no"]
    assert response.context["advice"].outcome == "report"


def test_q5_no_by_the_ib_leads_back_to_the_dossier(cast):
    """The IB may answer question 5 but not decide (default protocol): back to the dossier, with the advice."""
    case = help_case(cast, lead="ib")
    moment = make_plan(cast, case).moments.first()
    response = cast.client("ib").post(
        _evaluation_url(moment), {"effective": "no", "explanation": "Geen verbetering.", "answered_on": today()}
    )
    assert response.status_code == 302
    assert response.url == reverse("meldcode:case_detail", args=[case.pk]) + "#followup"
    assert EvaluationMoment.objects.get(pk=moment.pk).effective is False


def test_q5_yes_leads_to_closing_with_help_working_chosen(cast):
    case = help_case(cast)
    moment = make_plan(cast, case).moments.first()
    client = cast.client("ib")
    response = client.post(
        _evaluation_url(moment), {"effective": "yes", "explanation": "Het gaat goed thuis.", "answered_on": today()}
    )
    close_url = reverse("meldcode:case_close", args=[case.pk])
    assert response.url == f"{close_url}?reason=help_working"
    response = client.get(response.url)
    assert response.context["form"]["reason"].value() == Closure.Reason.HELP_WORKING
    assert 'value="help_working" id="id_reason_1" required checked>' in response.content.decode()
    # Without a proposal the page is as before, and an unknown one selects nothing.
    assert client.get(close_url).context["form"]["reason"].value() == ""
    assert " checked" not in client.get(f"{close_url}?reason=nonsense").content.decode()


def test_q5_needs_an_answer_and_an_explanation_and_nothing_changes_without(cast):
    case = help_case(cast)
    moment = make_plan(cast, case).moments.first()
    client = cast.client("af")
    response = client.post(_evaluation_url(moment), {"effective": "", "explanation": "", "answered_on": today()})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"effective", "explanation"}
    response = client.post(
        _evaluation_url(moment),
        {"effective": "yes", "explanation": "Goed.", "answered_on": (today() + days(1)).isoformat()},
    )
    assert response.context["form"].errors == {"answered_on": [t("The date cannot be in the future.")]}
    moment.refresh_from_db()
    assert moment.answered_on is None and moment.effective is None
    assert not AuditEvent.objects.filter(action="followup.evaluation").exists()


def test_a_moment_is_answered_once(cast):
    case = help_case(cast)
    moment = make_plan(cast, case).moments.first()
    followup_services.answer_evaluation(
        cast.actor("af"), moment, effective=True, explanation="Goed.", answered_on=today()
    )
    response = cast.client("af").post(
        _evaluation_url(moment), {"effective": "no", "explanation": "Toch niet.", "answered_on": today()}
    )
    assert response.context["form"].non_field_errors() == [t("This evaluation moment has already been answered.")]
    assert EvaluationMoment.objects.get(pk=moment.pk).effective is True


# --- Overdue evaluations --------------------------------------------------------------------------


def _plan_with_a_missed_moment(cast, case):
    return make_plan(
        cast,
        case,
        starts_on=today() - days(40),
        ends_on=today() + days(30),
        evaluations=[today() - days(10), today() - days(1), today() + days(3), today() + days(20)],
    )


def test_missed_evaluation_moments_show_as_overdue(cast):
    case = help_case(cast)
    plan = _plan_with_a_missed_moment(cast, case)
    first = plan.moments.first()
    followup_services.answer_evaluation(
        cast.actor("af"), first, effective=True, explanation="Gaat goed.", answered_on=today() - days(9)
    )
    response = _dossier(cast, case, "teacher")
    [row] = response.context["s"].plans
    assert [m.state for m in row.moments] == ["answered", "overdue", "due_soon", "planned"]
    assert row.overdue == 1
    page = response.content.decode()
    assert t("evaluation overdue") in page
    assert "Gaat goed." in page


def test_a_replaced_plan_has_nothing_overdue_and_cannot_be_evaluated(cast):
    case = help_case(cast, outcome="report_and_help")
    old = _plan_with_a_missed_moment(cast, case)
    new = make_plan(cast, case, evaluations=[today() + days(10)])
    [new_row, old_row] = _dossier(cast, case).context["s"].plans
    assert (new_row.plan, new_row.current) == (new, True)
    assert (old_row.plan, old_row.current, old_row.overdue) == (old, False, 0)
    assert [m.state for m in old_row.moments] == [None, None, None, None]
    response = cast.client("af").post(
        _evaluation_url(old.moments.first()), {"effective": "yes", "explanation": "Goed.", "answered_on": today()}
    )
    assert response.context["form"].non_field_errors() == [
        t("This help plan has been replaced by a newer decision or plan.")
    ]
    # A new decision (to report) ends the new plan as well.
    services.decide(cast.actor("af"), case, answers=REPORT, outcome="report", rationale="R", decided_by=cast.af)
    assert not any(row.current for row in _dossier(cast, case).context["s"].plans)
    assert providers.evaluation_tasks(cast.actor("af"), today()) == []


# --- Tasks ------------------------------------------------------------------------------------


def test_evaluation_tasks_for_moments_due_within_a_week_or_missed(cast):
    case = help_case(cast, lead="ib")
    plan = _plan_with_a_missed_moment(cast, case)
    first, missed, soon, later = plan.moments.all()
    followup_services.answer_evaluation(
        cast.actor("ib"), first, effective=True, explanation="Goed.", answered_on=today() - days(9)
    )
    tasks = providers.evaluation_tasks(cast.actor("ib"), today())
    assert [(task.key, task.kind, task.due, task.overdue) for task in tasks] == [
        (f"evaluation:{missed.pk}", "evaluation_overdue", missed.due_on, True),
        (f"evaluation:{soon.pk}", "evaluation_due", soon.due_on, False),
    ]
    assert tasks[0].url == reverse("meldcode:case_detail", args=[case.pk]) + "#followup"
    name = case.pupil.full_name
    assert tasks[0].title == t("Evaluation of the help overdue: %(name)s") % {"name": name}
    assert tasks[1].title == t("Evaluate the help: %(name)s") % {"name": name}
    # The AF and the school leader see the school's; a colleague who does not lead the dossier does not.
    assert [task.key for task in providers.evaluation_tasks(cast.actor("af"), today())] == [task.key for task in tasks]
    assert len(providers.evaluation_tasks(cast.actor("leader"), today())) == 2
    for who in ("teacher", "assistant", "admin", "af_b"):
        assert providers.evaluation_tasks(cast.actor(who), today()) == [], who
    # Closing the dossier ends them.
    services.close_case(cast.actor("ib"), case, reason="help_working", explanation="Het gaat goed.")
    assert providers.evaluation_tasks(cast.actor("ib"), today()) == []


# --- The dossier page stays at a fixed number of queries ---------------------------------------


def _with_follow_up(cast, case, *, plans, reports):
    af = cast.actor("af")
    for n in range(reports):
        report = make_report(cast, case, made_on=today() - days(30 - n))
        followup_services.record_feedback_agreement(
            af, report, feedback_agreed_on=today() + days(n), feedback_agreed_how=f"Telefonisch {n}"
        )
        followup_services.record_lead(af, report, lead="local_team", lead_contact_name=f"Contact {n}")
    services.decide(af, case, answers=HELP, outcome="report_and_help", rationale="Hulp.", decided_by=cast.af)
    for n in range(plans):
        plan = make_plan(
            cast,
            case,
            starts_on=today() - days(40),
            ends_on=today() + days(60),
            evaluations=[today() - days(20 - k) for k in range(4)],
            description=f"Hulp {n}",
        )
        for moment in list(plan.moments.all())[:2]:
            followup_services.answer_evaluation(af, moment, effective=True, explanation="Goed.", answered_on=today())


def test_the_dossier_page_query_count_does_not_grow_with_plans_and_evaluations(cast):
    small = new_case(cast, observed_days_ago=40)
    large = new_case(cast, observed_days_ago=40)
    _with_follow_up(cast, small, plans=1, reports=1)
    _with_follow_up(cast, large, plans=5, reports=3)
    for i in range(4):
        cast.signal("teacher", pupil=large.pupil, case=large, observed_at=timezone.now() - days(i + 1))
    assert HelpPlan.objects.filter(case=large).count() == 5
    assert EvaluationMoment.objects.filter(plan__case=large).count() == 20
    for name in ("af", "teacher"):
        client = cast.client(name)
        n_small = count_queries(client, reverse("meldcode:case_detail", args=[small.pk]))
        n_large = count_queries(client, reverse("meldcode:case_detail", args=[large.pk]))
        assert n_large <= n_small, (name, n_small, n_large)
    section = _dossier(cast, large).context["s"]
    assert len(section.plans) == 5 and len(section.reports) == 3 and len(section.new_signals) == 4
