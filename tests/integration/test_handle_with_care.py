"""Handle with Care: after the police attended an incident at a pupil's home, the school hears of it
(without details) and the teacher offers the pupil support that day.

The AF or the IB records the police notice in seconds: find the pupil, confirm the date (today by
default), save. It becomes a signal in the inbox with a fixed, factual text and no details, and
every current teacher of the pupil gets a task "offer support today", which they mark as done.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BooleanField
from django.urls import reverse
from django.utils import timezone, translation

from haven.audit.models import AuditEvent
from haven.external_signals import providers, services
from haven.external_signals.models import SupportTask
from haven.external_signals.queries import school_year_of
from haven.meldcode.models import Signal
from haven.organisations.models import Group
from haven.pupils.models import GroupPlacement
from tests.factories import GroupFactory, MembershipFactory, PupilFactory, UserFactory, place

URL = reverse("external_signals:police_notice")


def dutch(text):
    with translation.override("nl"):
        return translation.gettext(text) if isinstance(text, str) else str(text)


@pytest.fixture
def cast(cast):
    """The cast, with `teacher`'s group (Sanne and Daan) as this school year's group, whatever today is."""
    year = school_year_of(timezone.localdate())
    Group.objects.filter(school=cast.school_a, name="Groep 5").update(school_year=year)
    GroupPlacement.objects.filter(group__school=cast.school_a, group__name="Groep 5").update(school_year=year)
    return cast


def _changes():
    return AuditEvent.objects.filter(kind=AuditEvent.Kind.CHANGE).count()


# The page: in seconds --------------------------------------------------------------------------------


def test_the_af_finds_the_pupil_and_records_the_notice_with_today_as_the_date(cast):
    client = cast.client("af")
    page = client.get(URL, {"q": "Sanne"})
    assert page.status_code == 200
    assert f"{URL}?leerling={cast.pupil.pk}" in page.content.decode()
    # The search answers as you type (htmx), with only the results.
    partial = client.get(URL, {"q": "vries"}, headers={"HX-Request": "true"})
    assert "Sanne de Vries" in partial.content.decode() and "Daan de Vries" in partial.content.decode()
    assert "<html" not in partial.content.decode()

    form = client.get(URL, {"leerling": cast.pupil.pk})
    assert form.context["form"]["notice_date"].value() == timezone.localdate()
    assert "Sanne de Vries" in form.content.decode()

    response = client.post(URL, {"pupil": cast.pupil.pk, "notice_date": timezone.localdate().isoformat()})
    signal = Signal.objects.get(source=Signal.Source.POLICE_NOTICE)
    assert response.status_code == 302
    assert response["Location"] == reverse("meldcode:signal_detail", args=[signal.pk])
    assert signal.pupil == cast.pupil and signal.author == cast.af
    assert signal.status == Signal.Status.NEW
    assert signal.categories == [Signal.Category.GUT_FEELING]
    assert signal.facts == dutch(services.POLICE_NOTICE_FACTS)
    assert signal.child_words == signal.interpretation == signal.context == ""
    # It lands in the school's inbox like any new signal.
    assert signal in cast.client("ib").get(reverse("meldcode:inbox")).context["signals"]
    task = SupportTask.objects.get()
    assert (task.teacher, task.pupil, task.signal, task.due_on) == (
        cast.teacher,
        cast.pupil,
        signal,
        timezone.localdate(),
    )
    assert task.done_at is None


def test_the_page_has_no_field_for_details(cast):
    form = cast.client("af").get(URL, {"leerling": cast.pupil.pk}).context["form"]
    # The "this date is right" box is a hidden yes/no, shown only for a date long ago: no place for details.
    assert set(form.fields) == {"pupil", "notice_date", "date_confirmed"}
    assert isinstance(form.fields["date_confirmed"], BooleanField)
    # Details sent anyway are ignored: the signal holds the fixed text only.
    cast.client("af").post(
        URL, {"pupil": cast.pupil.pk, "notice_date": timezone.localdate().isoformat(), "facts": "Vader sloeg moeder."}
    )
    assert "Vader" not in Signal.objects.get().facts


def test_the_ib_may_record_a_notice_and_the_school_leader_and_teachers_may_not(cast):
    data = {"pupil": cast.pupil.pk, "notice_date": timezone.localdate().isoformat()}
    assert cast.client("ib").post(URL, data).status_code == 302
    for name in ("leader", "teacher", "assistant", "admin"):
        assert cast.client(name).post(URL, data).status_code == 403, name
    assert Signal.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.record_police_notice(cast.actor("leader"), pupil=cast.pupil, notice_date=timezone.localdate())


def test_the_inbox_links_to_the_page_for_those_who_may_record(cast):
    assert URL in cast.client("af").get(reverse("meldcode:inbox")).content.decode()
    assert URL not in cast.client("leader").get(reverse("meldcode:inbox")).content.decode()


# Bad input: a Dutch message, nothing saved ------------------------------------------------------------


def test_a_date_in_the_future_is_refused_in_dutch_and_nothing_is_saved(cast):
    client = cast.client("af")
    before = _changes()
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(URL, {"pupil": cast.pupil.pk, "notice_date": tomorrow.isoformat()})
    assert response.status_code == 200
    assert "De datum kan niet in de toekomst liggen." in response.content.decode()
    assert Signal.objects.count() == 0 and SupportTask.objects.count() == 0
    assert _changes() == before
    with pytest.raises(ValidationError):
        services.record_police_notice(cast.actor("af"), pupil=cast.pupil, notice_date=tomorrow)


def test_a_pupil_of_another_school_is_refused_and_nothing_is_saved(cast):
    client = cast.client("af")
    response = client.post(URL, {"pupil": cast.pupil_b.pk, "notice_date": timezone.localdate().isoformat()})
    assert response.status_code == 200
    assert "Deze leerling zit niet op jouw school." in response.content.decode()
    assert "Noah" not in response.content.decode()
    # Asked for by number, the pupil is not even shown: the search page answers.
    page = client.get(URL, {"leerling": cast.pupil_b.pk})
    assert "Noah" not in page.content.decode() and "form" not in page.context
    with pytest.raises(ValidationError):
        services.record_police_notice(cast.actor("af"), pupil=cast.pupil_b, notice_date=timezone.localdate())
    assert Signal.objects.count() == 0 and SupportTask.objects.count() == 0


@pytest.mark.parametrize("value", ["", "gisteren", "2026-13-45"])
def test_a_missing_or_malformed_date_is_refused(cast, value):
    response = cast.client("af").post(URL, {"pupil": cast.pupil.pk, "notice_date": value})
    assert response.status_code == 200
    assert response.context["form"].errors["notice_date"]
    assert Signal.objects.count() == 0


def test_without_a_pupil_nothing_is_saved(cast):
    response = cast.client("af").post(URL, {"notice_date": timezone.localdate().isoformat()})
    assert response.status_code == 200
    assert response.context["form"].errors["pupil"]
    assert Signal.objects.count() == 0


# Who gets the support task ------------------------------------------------------------------------------


def test_every_current_teacher_of_the_pupils_group_gets_a_task_and_nobody_else(cast):
    group = Group.objects.get(school=cast.school_a, name="Groep 5")
    group.teachers.add(cast.assistant)
    gone = UserFactory(username="vertrokken", is_active=False)
    MembershipFactory(user=gone, school=cast.school_a, role="teacher")
    group.teachers.add(gone)
    # Last school year's teacher no longer teaches the pupil.
    last_year = school_year_of(timezone.localdate() - timedelta(days=366))
    old = GroupFactory(school=cast.school_a, name="Groep 4", school_year=last_year)
    old.teachers.add(cast.teacher2)
    GroupPlacement.objects.create(pupil=cast.pupil, group=old, school_year=last_year)
    notice = services.record_police_notice(cast.actor("af"), pupil=cast.pupil, notice_date=timezone.localdate())
    assert {t.teacher for t in notice.support_tasks} == {cast.teacher, cast.assistant}


def test_a_pupil_without_a_current_teacher_gets_the_signal_and_a_warning(cast):
    pupil = PupilFactory(school=cast.school_a, first_name="Mila")
    response = cast.client("af").post(
        URL, {"pupil": pupil.pk, "notice_date": timezone.localdate().isoformat()}, follow=True
    )
    assert Signal.objects.filter(pupil=pupil, source=Signal.Source.POLICE_NOTICE).count() == 1
    assert SupportTask.objects.count() == 0
    assert [m.level_tag for m in response.context["messages"]] == ["warning"]


def test_a_notice_of_an_earlier_day_has_no_time_and_support_is_due_today(cast):
    yesterday = timezone.localdate() - timedelta(days=1)
    notice = services.record_police_notice(cast.actor("af"), pupil=cast.pupil, notice_date=yesterday)
    observed = timezone.localtime(notice.signal.observed_at)
    assert (observed.date(), observed.hour, observed.minute) == (yesterday, 0, 0)
    assert notice.support_tasks[0].due_on == timezone.localdate()


def test_recording_is_audited_in_the_same_transaction(cast):
    notice = services.record_police_notice(cast.actor("af"), pupil=cast.pupil, notice_date=timezone.localdate())
    events = AuditEvent.objects.filter(object_type="signal", object_id=notice.signal.pk).order_by("sequence")
    assert [e.action for e in events] == ["signal.log", "police_notice.record"]
    event = events.last()
    assert event.pupil_id == cast.pupil.pk and event.actor_id == cast.af.pk
    assert event.detail == {"notice_date": timezone.localdate().isoformat(), "support_for": [str(cast.teacher)]}


def test_the_recent_notices_show_whether_support_was_offered(cast):
    notice = services.record_police_notice(cast.actor("af"), pupil=cast.pupil, notice_date=timezone.localdate())
    page = cast.client("af").get(URL)
    assert page.context["notices"] == [notice.signal]
    assert dutch("not yet marked as done") in page.content.decode()
    services.complete_support_task(cast.actor("teacher"), notice.support_tasks[0])
    assert dutch("support offered") in cast.client("af").get(URL).content.decode()


# The support task -------------------------------------------------------------------------------------------


@pytest.fixture
def notice(cast):
    return services.record_police_notice(cast.actor("af"), pupil=cast.pupil, notice_date=timezone.localdate())


def test_the_teacher_sees_the_task_without_details_and_marks_it_done(cast, notice):
    task = notice.support_tasks[0]
    client = cast.client("teacher")
    url = reverse("external_signals:support_task", args=[task.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Sanne de Vries" in page.content.decode()
    assert AuditEvent.objects.filter(
        action="support_task.view", kind=AuditEvent.Kind.READ, actor_id=cast.teacher.pk, pupil_id=cast.pupil.pk
    ).exists()
    # The teacher does not need to open the signal: it stays the AF's and IB's.
    assert client.get(reverse("meldcode:signal_detail", args=[notice.signal.pk])).status_code == 404
    response = client.post(reverse("external_signals:support_task_done", args=[task.pk]))
    assert response.status_code == 302 and response["Location"] == url
    task.refresh_from_db()
    assert task.done_at is not None
    event = AuditEvent.objects.get(action="support_task.done")
    assert (event.actor_id, event.pupil_id, event.object_id) == (cast.teacher.pk, cast.pupil.pk, task.pk)
    # Twice is refused and changes nothing.
    done_at = task.done_at
    again = client.post(reverse("external_signals:support_task_done", args=[task.pk]), follow=True)
    assert [m.level_tag for m in again.context["messages"]][-1] == "error"
    task.refresh_from_db()
    assert task.done_at == done_at
    assert AuditEvent.objects.filter(action="support_task.done").count() == 1


def test_someone_elses_task_does_not_exist_for_you(cast, notice):
    task = notice.support_tasks[0]
    for name in ("teacher2", "af", "ib", "leader"):
        client = cast.client(name)
        assert client.get(reverse("external_signals:support_task", args=[task.pk])).status_code == 404, name
        assert client.post(reverse("external_signals:support_task_done", args=[task.pk])).status_code == 404, name
    assert AuditEvent.objects.filter(
        action="support_task.view", outcome=AuditEvent.Outcome.DENIED, actor_id=cast.teacher2.pk
    ).exists()
    with pytest.raises(PermissionDenied):
        services.complete_support_task(cast.actor("teacher2"), task)
    task.refresh_from_db()
    assert task.done_at is None


def test_the_provider_gives_the_teacher_the_task_due_today(cast, notice):
    task = notice.support_tasks[0]
    today = timezone.localdate()
    [item] = providers.support_tasks(cast.actor("teacher"), today)
    assert item.key == f"support:{task.pk}"
    assert item.kind == "support_offer"
    assert "Sanne de Vries" in item.title
    assert item.url == reverse("external_signals:support_task", args=[task.pk])
    assert (item.due, item.overdue) == (today, False)
    # Not done by the end of the day: overdue from tomorrow.
    assert providers.support_tasks(cast.actor("teacher"), today + timedelta(days=1))[0].overdue
    for name in ("teacher2", "af", "ib", "assistant"):
        assert providers.support_tasks(cast.actor(name), today) == [], name
    services.complete_support_task(cast.actor("teacher"), task)
    assert providers.support_tasks(cast.actor("teacher"), today) == []


def test_the_task_is_on_my_tasks_page(cast, notice):
    page = cast.client("teacher").get(reverse("tasks:mine"))
    assert reverse("external_signals:support_task", args=[notice.support_tasks[0].pk]) in page.content.decode()
    assert reverse("external_signals:support_task", args=[notice.support_tasks[0].pk]) not in (
        cast.client("teacher2").get(reverse("tasks:mine")).content.decode()
    )


def test_the_provider_makes_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    for _n in range(6):
        pupil = PupilFactory(school=cast.school_a)
        place(pupil, Group.objects.get(school=cast.school_a, name="Groep 5"))
        services.record_police_notice(cast.actor("af"), pupil=pupil, notice_date=timezone.localdate())
    teacher = cast.actor("teacher")
    with django_assert_max_num_queries(1):
        assert len(providers.support_tasks(teacher, timezone.localdate())) == 6
