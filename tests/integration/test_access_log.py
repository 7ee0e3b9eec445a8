"""Who viewed this dossier: the access log of one dossier (NEN 7513).

The case lead, the AF and the school leader see every audit event of the dossier (reads and
changes, allowed and denied), newest first, 50 to a page; opening the page is itself recorded.
Anyone else at the school gets 403, and another school's dossier does not seem to exist (404).
The page makes the same number of queries however long the log is, and reads it by index.
"""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from haven.access.labels import ROLE_LABELS
from haven.access.policy import Actor, can_view_access_log
from haven.access.roles import Role
from haven.audit import actions
from haven.audit.models import AuditEvent
from haven.audit.queries import case_access_log
from haven.audit.services import record_event
from haven.meldcode import services
from haven.meldcode.audit_actions import MeldcodeAction
from tests.factories import PupilFactory, UserFactory


def url(case, page=None):
    return reverse("audit:case_access_log", args=[case.pk]) + (f"?page={page}" if page else "")


def fill(cast, case, n):
    """`n` more events on the dossier: reads by the AF and the IB."""
    for i in range(n):
        actor = cast.actor("af" if i % 2 else "ib")
        record_event(actor, "case.view", kind=AuditEvent.Kind.READ, obj=case, case=case)


def dutch(text):
    with translation.override("nl"):
        return translation.gettext(text) if isinstance(text, str) else str(text)


# Who may see it. ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "status"), [("af", 200), ("leader", 200), ("ib", 403), ("teacher", 403)])
def test_the_af_and_school_leader_see_it_others_of_the_school_do_not(cast, name, status):
    case = cast.case()  # the AF opened it and is its case lead
    assert cast.client(name).get(url(case)).status_code == status


def test_the_ib_sees_it_as_case_lead(cast):
    case = cast.case()
    services.change_lead(cast.actor("af"), case, cast.ib)
    assert cast.client("ib").get(url(case)).status_code == 200
    assert cast.client("af").get(url(case)).status_code == 200


def test_another_school_gets_404_and_the_attempt_is_on_the_log(cast):
    case = cast.case()
    assert cast.client("af_b").get(url(case)).status_code == 404
    event = AuditEvent.objects.get(actor=cast.af_b)
    assert (event.action, event.outcome, event.case_id) == ("case.view_access_log", "denied", case.pk)


def test_an_ib_who_is_not_case_lead_is_refused_and_that_is_on_the_log(cast):
    case = cast.case()
    assert cast.client("ib").get(url(case)).status_code == 403
    event = AuditEvent.objects.get(actor=cast.ib)
    assert (event.action, event.outcome, event.case_id) == ("case.view_access_log", "denied", case.pk)


def test_a_teacher_is_refused_by_the_permission_and_that_is_logged(cast):
    case = cast.case()
    assert cast.client("teacher").get(url(case)).status_code == 403
    event = AuditEvent.objects.get(outcome="denied")
    assert (event.action, event.detail, event.case_id) == ("case.view_access_log", {"path": url(case)}, None)


def test_anonymous_goes_to_sign_in(cast):
    assert Client().get(url(cast.case())).status_code == 302


ME, OTHER = 10, 11
# role -> (own school and case lead, own school not case lead, other school and case lead)
ACCESS = {
    Role.TEACHER: (False, False, False),
    Role.TEACHING_ASSISTANT: (False, False, False),
    Role.CARE_COORDINATOR: (True, False, False),
    Role.SAFEGUARDING_LEAD: (True, True, False),
    Role.SCHOOL_LEADER: (True, True, False),
    Role.FUNCTIONAL_ADMIN: (False, False, False),
}


@pytest.mark.parametrize("role", list(ACCESS))
def test_the_rule(role):
    actor = Actor(user_id=ME, school_id=1, role=role)
    assert (
        can_view_access_log(actor, 1, ME),
        can_view_access_log(actor, 1, OTHER),
        can_view_access_log(actor, 2, ME),
    ) == ACCESS[role]
    assert can_view_access_log(Actor(user_id=ME, school_id=None, role=role), 1, ME) is False


def test_the_dossier_page_links_to_it_only_for_those_who_may_open_it(cast):
    case = cast.case()
    link = f'href="{url(case)}"'
    detail = reverse("meldcode:case_detail", args=[case.pk])
    assert link in cast.client("af").get(detail).content.decode()
    assert link in cast.client("leader").get(detail).content.decode()
    assert link not in cast.client("ib").get(detail).content.decode()
    assert link not in cast.client("teacher").get(detail).content.decode()


# What it shows. -----------------------------------------------------------------------------------


def test_every_event_of_the_dossier_newest_first_with_who_role_what_outcome_and_address(cast):
    case = cast.case()  # signal.log (before the case: not on its log), case.open
    other_case = cast.case(pupil=cast.sibling)
    cast.client("teacher").get(reverse("meldcode:case_detail", args=[case.pk]))  # member: allowed read
    cast.client("teacher2").get(reverse("meldcode:case_detail", args=[case.pk]))  # not a member: denied
    response = cast.client("af").get(url(case))
    assert response.status_code == 200
    events = list(response.context["page"])
    assert [e.action for e in events] == ["case.view_access_log", "case.view", "case.view", "case.open"]
    assert [e.sequence for e in events] == sorted((e.sequence for e in events), reverse=True)
    assert {e.case_id for e in events} == {case.pk} and other_case.pk not in {e.case_id for e in events}
    assert [e.outcome for e in events] == ["allowed", "denied", "allowed", "allowed"]
    html = response.content.decode()
    for role in ("safeguarding_lead", "teacher"):
        assert dutch(ROLE_LABELS[role]) in html
    for action in ("case.view_access_log", "case.view", "case.open"):
        assert dutch(actions.label(action)) in html
    assert dutch(AuditEvent.Outcome.DENIED.label) in html
    assert "127.0.0.1" in html
    assert str(cast.teacher2) in html


def test_the_pupil_is_not_named_on_the_page(cast):
    case = cast.case()
    html = cast.client("af").get(url(case)).content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "Sanne" not in title and "Vries" not in title
    assert "Sanne" not in html and "de Vries" not in html


def test_a_removed_account_still_shows_on_the_log(cast):
    case = cast.case()
    user = UserFactory(first_name="Oud", last_name="Collega")
    record_event(Actor(user_id=user.pk, school_id=cast.school_a.pk), "case.view", kind="read", case=case)
    user_id = user.pk
    user.delete()
    html = cast.client("af").get(url(case)).content.decode()
    assert f"{dutch('Removed account')} {user_id}" in html


def test_labels_for_reads_and_the_route():
    assert actions.label("case.view") == str(MeldcodeAction.CASE_VIEW.label)
    assert actions.label("signal.view") == str(MeldcodeAction.SIGNAL_VIEW.label)
    assert actions.label("case.open") == str(MeldcodeAction.CASE_OPEN.label)
    assert actions.label("something.new") == "something.new"


def test_fifty_to_a_page(cast):
    case = cast.case()  # 1 event on the dossier (case.open)
    fill(cast, case, 118)  # 119
    client = cast.client("af")
    first = client.get(url(case))  # 120 with this view
    assert first.context["page"].paginator.num_pages == 3
    assert len(first.context["page"]) == 50
    last = client.get(url(case, 3))  # 121
    rows = list(last.context["page"])
    assert len(rows) == 21
    assert rows[-1].action == "case.open"
    middle = [e.sequence for e in client.get(url(case, 2)).context["page"]]
    assert len(middle) == 50 and middle == sorted(middle, reverse=True)
    assert 'rel="next"' in first.content.decode() and 'rel="prev"' in last.content.decode()


# How it reads. ------------------------------------------------------------------------------------


def count_queries(client, path):
    assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries.captured_queries)


def test_the_query_count_does_not_grow_with_the_log(cast):
    small = cast.case()
    large = cast.case(pupil=PupilFactory(school=cast.school_a))
    fill(cast, small, 4)  # 5 with case.open
    fill(cast, large, 199)  # 200
    client = cast.client("af")
    n_small, n_large = count_queries(client, url(small)), count_queries(client, url(large))
    assert n_large <= n_small, (n_small, n_large)
    assert count_queries(client, url(large, 4)) <= n_small


def test_the_log_is_read_by_index(cast):
    case = cast.case()
    fill(cast, case, 30)
    page = case_access_log(case)[:50]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Tiny tables make any plan cheap; ask whether the index can serve filter and order.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
        plan = page.explain()
    assert "audit_event_case_seq_idx" in plan, plan
    assert "TEMP B-TREE" not in plan.upper(), plan
