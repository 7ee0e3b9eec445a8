"""The dossier page's "Go" opens the page of the next step, for every next action of the route.

Reads as the specification. The route (haven/meldcode/workflow.py) names the next action; one
mapping (haven.meldcode.views.NEXT_ACTIONS with `next_step`) turns it into the page that does it.
Every dossier state the services can make is walked here, and the page behind "Go" opens for the
AF. After a decision to help (or to report and help, with the report made) "Go" opens the help
plan, not a blank decision form; with the plan recorded it opens the next evaluation moment.
"""

from dataclasses import replace
from datetime import timedelta

import pytest
from django.urls import resolve, reverse
from django.utils import timezone

from haven.followup import services as followup_services
from haven.meldcode import queries, services
from haven.meldcode.views import NEXT_ACTIONS, next_step
from haven.meldcode.workflow import NextAction
from tests.builders import HELP, REPORT, make_plan, make_report, new_case


def _consulted(cast, case):
    services.record_consultation(
        cast.actor("af"), case, held_on=timezone.localdate(), consulted="care_coordinator", question="V", advice="A"
    )


def _talked(cast, case):
    _consulted(cast, case)
    services.record_conversation(
        cast.actor("af"),
        case,
        held_on=timezone.localdate(),
        participants=["mother", "pupil"],
        shared="Gedeeld",
        reaction="Reactie",
        acknowledgement="seen",
    )


def _weighed(cast, case):
    _talked(cast, case)
    services.record_weighing(cast.actor("af"), case, suspicion=True, suspicion_explanation="Ja", unsafety=False)


def _decided(cast, case, outcome, answers):
    services.decide(cast.actor("af"), case, answers=answers, outcome=outcome, rationale="R", decided_by=cast.af)


def _acute(cast, case):
    services.declare_acute(cast.actor("af"), case, explanation="Direct gevaar.")


def _acute_report(cast, case):
    _acute(cast, case)
    _decided(cast, case, "report", REPORT)


def _plan(cast, case):
    # Another dossier's plan first, so that no id of this one's records matches by chance.
    other = new_case(cast)
    _decided(cast, other, "help", HELP)
    make_plan(cast, other, evaluations=[timezone.localdate() + timedelta(days=d) for d in (10, 20, 30)])
    _decided(cast, case, "help", HELP)
    return make_plan(cast, case)


def _plan_evaluated(cast, case):
    plan = _plan(cast, case)
    for moment in plan.moments.all():
        followup_services.answer_evaluation(
            cast.actor("af"), moment, effective=True, explanation="Gaat goed.", answered_on=timezone.localdate()
        )


def _closed(cast, case):
    services.close_case(cast.actor("af"), case, reason="too_vague", explanation="Vaag.")


# (how the dossier got there, the next action, the page "Go" opens: URL name and the argument)
STATES = {
    "opened": (lambda cast, case: None, NextAction.RECORD_CONSULTATION, "meldcode:consultation_create"),
    "consulted": (_consulted, NextAction.RECORD_CONVERSATION, "meldcode:conversation_create"),
    "talked": (_talked, NextAction.RECORD_WEIGHING, "meldcode:weighing_create"),
    "weighed": (_weighed, NextAction.RECORD_DECISION, "meldcode:decision_create"),
    "acute": (_acute, NextAction.RECORD_DECISION, "meldcode:decision_create"),
    "acute, decided to report": (_acute_report, NextAction.PHONE_AND_REPORT, "meldcode:report_edit"),
    "decided to report": (
        lambda cast, case: _decided(cast, case, "report", REPORT),
        NextAction.MAKE_REPORT,
        "meldcode:report_edit",
    ),
    "decided to help": (
        lambda cast, case: _decided(cast, case, "help", HELP),
        NextAction.FOLLOW_HELP,
        "followup:plan_create",
    ),
    "reported, and help": (
        lambda cast, case: make_report(cast, case, outcome="report_and_help"),
        NextAction.FOLLOW_HELP,
        "followup:plan_create",
    ),
    "help planned": (_plan, NextAction.FOLLOW_HELP, "followup:evaluation"),
    "help evaluated": (_plan_evaluated, NextAction.FOLLOW_HELP, "meldcode:decision_create"),
    "reported": (
        lambda cast, case: make_report(cast, case, outcome="report"),
        NextAction.CLOSE_CASE,
        "meldcode:case_close",
    ),
    "decided to close": (
        lambda cast, case: _decided(cast, case, "close", {**HELP, "suspicion": False}),
        NextAction.CLOSE_CASE,
        "meldcode:case_close",
    ),
    "closed": (_closed, NextAction.REOPEN_IF_NEEDED, None),
}


def test_every_next_action_has_its_page_and_every_state_is_walked():
    assert set(NEXT_ACTIONS) == set(NextAction)
    walked = {action for _make, action, _url in STATES.values()}
    # A dossier always opens with a signal: "log the signals" is the route's answer for no signal at all.
    assert walked == set(NextAction) - {NextAction.ADD_SIGNAL}


@pytest.mark.parametrize("state", STATES)
def test_go_opens_the_page_of_the_next_step(cast, state):
    make, action, url_name = STATES[state]
    case = new_case(cast)
    make(cast, case)
    client = cast.client("af")
    page = client.get(reverse("meldcode:case_detail", args=[case.pk]))
    dossier = page.context["d"]
    assert dossier.route.next_action == action
    html = page.content.decode()
    if url_name is None:
        assert page.context["next_url"] is None and 'id="next-action"' not in html
        return
    go = page.context["next_url"]
    assert resolve(go).view_name == url_name
    if url_name == "followup:evaluation":
        assert go == reverse(url_name, args=[case.help_plans.get().moments.first().pk])
    else:
        assert go == reverse(url_name, args=[case.pk])
    assert f'href="{go}" id="next-action"' in html
    # The page behind "Go" opens for the AF (the person who takes the dossier through the route).
    assert client.get(go).status_code == 200


def test_after_a_report_with_help_go_opens_the_help_plan_not_a_blank_decision_form(cast):
    report = make_report(cast, outcome="report_and_help")
    page = cast.client("af").get(reverse("meldcode:case_detail", args=[report.case.pk]))
    assert page.context["next_url"] == reverse("followup:plan_create", args=[report.case.pk])
    assert page.context["next_url"] != reverse("meldcode:decision_create", args=[report.case.pk])


def test_the_mapping_gives_every_next_action_a_page_that_names_its_permission(cast):
    case = new_case(cast)
    dossier = queries.load_dossier(cast.actor("af"), case.pk)
    for action in NextAction:
        text, url = next_step(replace(dossier, route=replace(dossier.route, next_action=action)))
        assert str(text)
        if action == NextAction.REOPEN_IF_NEEDED:
            assert url is None
            continue
        assert url is not None
        assert resolve(url).func.required_permission  # the page says who may open it


def test_go_shows_only_when_the_person_may_open_its_page(cast):
    """The teacher of a dossier at step 4 sees the next step, but no button to a page she may not open."""
    case = new_case(cast)
    _talked(cast, case)
    page = cast.client("teacher").get(reverse("meldcode:case_detail", args=[case.pk]))
    assert page.context["next_url"] == reverse("meldcode:weighing_create", args=[case.pk])
    assert not page.context["next_allowed"]
    assert 'id="next-action"' not in page.content.decode()
