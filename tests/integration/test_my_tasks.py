""" "Mijn taken": what needs a person now, from every provider, grouped overdue / today / later.

This app's providers are tested here: requests to look along (for the IB, AF and school leader of
that school) and dossiers without activity (for their case lead, and the AF for all), with the
school's threshold honoured to the day.
"""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.meldcode import services
from haven.meldcode.models import Case
from haven.organisations import services as organisation_services
from haven.tasks.registry import tasks_for
from tests.factories import PupilFactory

URL = "/taken/"


@pytest.fixture
def on_day(monkeypatch):
    """Make `timezone.localdate()` (today) a given day; converting a datetime still works."""
    real = timezone.localdate

    def set_today(day: date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda value=None, tz=None: real(value, tz) if value else day)

    return set_today


def last_activity(case: Case) -> date:
    event = AuditEvent.objects.filter(case=case, kind=AuditEvent.Kind.CHANGE).order_by("-sequence").first()
    return timezone.localdate(event.at)


def my_keys(cast, name: str, today: date) -> set[str]:
    return {t.key for t in tasks_for(cast.actor(name), today)}


def inactive_keys(cast, name: str, today: date) -> set[str]:
    return {k for k in my_keys(cast, name, today) if k.startswith("inactive:")}


def test_the_url_is_taken():
    assert reverse("tasks:mine") == URL


# Requests to look along. --------------------------------------------------------------------------


def test_a_request_to_look_along_is_a_task_of_the_ib_af_and_school_leader(cast):
    signal = cast.signal("teacher")
    request = services.request_look_along(cast.actor("teacher"), signal)
    today = timezone.localdate()
    for name in ("ib", "af", "leader"):
        tasks = [t for t in tasks_for(cast.actor(name), today) if t.kind == "look_along_requested"]
        assert [(t.key, t.url, t.due, t.overdue) for t in tasks] == [
            (f"look_along:{request.pk}", reverse("meldcode:signal_detail", args=[signal.pk]), today, False)
        ], name
    for name in ("teacher", "teacher2", "assistant"):
        assert f"look_along:{request.pk}" not in my_keys(cast, name, today)


def test_the_page_lists_it_with_its_title_link_and_dutch_date(cast):
    signal = cast.signal("teacher")
    services.request_look_along(cast.actor("teacher"), signal)
    response = cast.client("ib").get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("meldcode:signal_detail", args=[signal.pk]) in html
    assert "Sanne de Vries" in html
    today = timezone.localdate()
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
              "november", "december"]  # fmt: skip
    assert f"{today.day} {months[today.month - 1]} {today.year}" in html


def test_a_picked_up_request_is_no_longer_a_task(cast):
    request = services.request_look_along(cast.actor("teacher"), cast.signal("teacher"))
    services.pick_up_look_along(cast.actor("ib"), request)
    assert f"look_along:{request.pk}" not in my_keys(cast, "af", timezone.localdate())


def test_another_schools_requests_do_not_appear(cast):
    from tests.factories import MembershipFactory, UserFactory

    teacher_b = UserFactory(username="teacher_b")
    MembershipFactory(user=teacher_b, school=cast.school_b, role="teacher")
    cast.users["teacher_b"] = teacher_b
    signal_b = services.log_signal(
        cast.actor("teacher_b"),
        pupil=cast.pupil_b,
        observed_at=timezone.now() - timedelta(hours=1),
        source="own_observation",
        categories=["physical_neglect"],
        facts="Komt zonder jas.",
    )
    request_b = services.request_look_along(cast.actor("teacher_b"), signal_b)
    request_a = services.request_look_along(cast.actor("teacher"), cast.signal("teacher"))
    today = timezone.localdate()
    assert f"look_along:{request_b.pk}" not in my_keys(cast, "af", today)
    assert f"look_along:{request_a.pk}" in my_keys(cast, "af", today)
    assert f"look_along:{request_b.pk}" in my_keys(cast, "af_b", today)
    assert f"look_along:{request_a.pk}" not in my_keys(cast, "af_b", today)
    html = cast.client("af").get(URL).content.decode()
    assert "Jansen" not in html
    assert reverse("meldcode:signal_detail", args=[signal_b.pk]) not in html


def test_yesterdays_request_is_overdue_and_listed_first(cast, on_day):
    request = services.request_look_along(cast.actor("teacher"), cast.signal("teacher"))
    tomorrow = timezone.localdate() + timedelta(days=1)
    (task,) = [t for t in tasks_for(cast.actor("af"), tomorrow) if t.key == f"look_along:{request.pk}"]
    assert task.overdue is True
    on_day(tomorrow)
    html = cast.client("af").get(URL).content.decode()
    overdue, _rest = html.split('class="haven-badge haven-badge--warning"')
    assert reverse("meldcode:signal_detail", args=[request.signal_id]) in overdue


# Dossiers without activity. -----------------------------------------------------------------------


def test_inactivity_is_flagged_exactly_after_the_schools_number_of_weeks(cast, on_day):
    case = cast.case(by="af")
    quiet_since = last_activity(case)
    deadline = quiet_since + timedelta(weeks=6)  # the default
    year, week, _ = deadline.isocalendar()
    key = f"inactive:{case.pk}:{year}-W{week:02d}"
    assert inactive_keys(cast, "af", deadline - timedelta(days=1)) == set()
    (task,) = [t for t in tasks_for(cast.actor("af"), deadline) if t.key.startswith("inactive:")]
    assert (task.key, task.due, task.overdue, task.url) == (
        key,
        deadline,
        False,
        reverse("meldcode:case_detail", args=[case.pk]),
    )
    (task,) = [t for t in tasks_for(cast.actor("af"), deadline + timedelta(days=1)) if t.key.startswith("inactive:")]
    assert (task.key, task.overdue) == (key, True)
    # On the page: absent the day before, present on the day.
    url = reverse("meldcode:case_detail", args=[case.pk])
    on_day(deadline - timedelta(days=1))
    assert url not in cast.client("af").get(URL).content.decode()
    on_day(deadline)
    assert url in cast.client("af").get(URL).content.decode()


def test_the_school_sets_the_number_of_weeks(cast):
    case = cast.case(by="af")
    organisation_services.set_protocol(
        cast.actor("leader"), cast.school_a, decision_roles=["safeguarding_lead"], report_roles=["safeguarding_lead"],
        inactivity_weeks=2,
    )  # fmt: skip
    quiet_since = last_activity(case)
    assert inactive_keys(cast, "af", quiet_since + timedelta(days=13)) == set()
    assert len(inactive_keys(cast, "af", quiet_since + timedelta(days=14))) == 1


def test_the_case_lead_and_the_af_are_told_not_the_others(cast):
    case = cast.case(by="ib")  # the IB opens it and leads it
    assert case.lead == cast.ib
    later = last_activity(case) + timedelta(weeks=7)
    assert len(inactive_keys(cast, "ib", later)) == 1
    assert len(inactive_keys(cast, "af", later)) == 1  # the AF: every open dossier of the school
    for name in ("leader", "teacher", "teacher2", "assistant", "af_b"):
        assert inactive_keys(cast, name, later) == set(), name


def test_activity_resets_the_clock_and_a_new_quiet_spell_gets_a_new_key(cast, monkeypatch):
    case = cast.case(by="af")
    opened_on = last_activity(case)
    (first,) = inactive_keys(cast, "af", opened_on + timedelta(weeks=6))
    # Reads are not activity: viewing the dossier changes nothing.
    cast.client("af").get(reverse("meldcode:case_detail", args=[case.pk]))
    assert inactive_keys(cast, "af", opened_on + timedelta(weeks=6)) == {first}
    # Eight weeks later someone records a consultation: the clock starts again from that day.
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() + timedelta(weeks=8))
    services.record_consultation(
        cast.actor("af"), case, held_on=timezone.localdate(), consulted="colleague", question="Vraag", advice="Advies"
    )
    monkeypatch.setattr(timezone, "now", real_now)
    active_on = last_activity(case)
    assert active_on == opened_on + timedelta(weeks=8)
    assert inactive_keys(cast, "af", active_on + timedelta(weeks=6, days=-1)) == set()
    (second,) = inactive_keys(cast, "af", active_on + timedelta(weeks=6))
    assert second != first and second.startswith(f"inactive:{case.pk}:")


def test_closed_dossiers_are_never_inactive(cast):
    case = cast.case(by="af")
    services.close_case(cast.actor("af"), case, reason="too_vague", explanation="Te vaag voor nu.")
    assert inactive_keys(cast, "af", timezone.localdate() + timedelta(weeks=20)) == set()


# The page. ----------------------------------------------------------------------------------------


def test_nothing_waiting(cast):
    response = cast.client("teacher2").get(URL)
    assert response.status_code == 200
    assert "haven-tasks" not in response.content.decode()


def test_the_page_is_in_the_navigation_of_staff_only(cast):
    assert f'href="{URL}"' in cast.client("teacher").get(reverse("home")).content.decode()
    assert f'href="{URL}"' not in cast.client("admin").get(reverse("home")).content.decode()


def test_the_home_page_summarises_my_tasks(cast):
    services.request_look_along(cast.actor("teacher"), cast.signal("teacher"))
    response = cast.client("af").get(reverse("home"))
    assert response.context["my_tasks"].count >= 1
    assert "haven-tasks-summary" in response.content.decode()
    assert "my_tasks" not in cast.client("admin").get(reverse("home")).context


def test_the_protocol_page_shows_and_saves_the_number_of_weeks(cast):
    client = cast.client("leader")
    assert 'name="inactivity_weeks"' in client.get(reverse("organisations:protocol")).content.decode()
    response = client.post(
        reverse("organisations:protocol"),
        {"decision_roles": ["safeguarding_lead"], "report_roles": ["safeguarding_lead"], "inactivity_weeks": "3"},
    )
    assert response.status_code == 302
    cast.school_a.refresh_from_db()
    assert cast.school_a.inactivity_weeks == 3
    response = client.post(
        reverse("organisations:protocol"),
        {"decision_roles": ["safeguarding_lead"], "report_roles": ["safeguarding_lead"], "inactivity_weeks": "0"},
    )
    assert response.status_code == 200
    cast.school_a.refresh_from_db()
    assert cast.school_a.inactivity_weeks == 3


def _count(client):
    assert client.get(URL).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL)
    assert response.status_code == 200
    return len(queries.captured_queries), response


def _add_work(cast, n):
    for _ in range(n):
        pupil = PupilFactory(school=cast.school_a)
        services.request_look_along(cast.actor("teacher"), cast.signal("teacher", pupil=pupil))
        cast.case(by="af", pupil=pupil)


def test_the_page_makes_a_fixed_number_of_queries_however_many_tasks(cast, on_day):
    on_day(timezone.localdate() + timedelta(weeks=10))  # every open dossier is quiet by then
    client = cast.client("af")
    _add_work(cast, 1)
    small, response = _count(client)
    assert response.context["tasks"].count >= 2
    _add_work(cast, 12)
    large, response = _count(client)
    assert response.context["tasks"].count >= 26
    assert large <= small, (small, large)
