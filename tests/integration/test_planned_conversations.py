"""Planning the conversation with the parents (step 3) on the dossier, and its task.

Whoever may record in the dossier plans it: when, with whom, where (the place is encrypted at rest,
like every free text). It is in "My tasks" of the dossier's members and of the school-wide roles,
due on its day, until a conversation is recorded in the dossier or the plan is cancelled.
"""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from haven.audit.models import AuditEvent
from haven.meldcode import providers, services
from haven.meldcode import services as route
from haven.meldcode.audit_actions import MeldcodeAction
from haven.meldcode.models import PlannedConversation
from tests.builders import at, fill_signalling
from tests.factories import PupilFactory


def dutch(text):
    with translation.override("nl"):
        return translation.gettext(text) if isinstance(text, str) else str(text)


@pytest.fixture
def case(cast):
    return cast.case(author="teacher", by="af")


def plan(cast, case, who="teacher", days=2, **extra):
    values = {"planned_at": at(days), "participants": ["mother", "father"], "location": "Kamer van de IB"}
    values.update(extra)
    return services.plan_conversation(cast.actor(who), case, **values)


def _record_conversation(cast, case):
    return route.record_conversation(
        cast.actor("af"),
        case,
        held_on=timezone.localdate(),
        participants=["mother"],
        shared="Zorgen gedeeld.",
        reaction="Moeder herkent het.",
        acknowledgement="seen",
    )


def test_fill_signalling_fills_the_encrypted_place(cast):
    planned = fill_signalling(cast, lambda name: f"{name}: Zeppelinvogel")
    assert planned.location == "where planned: Zeppelinvogel"


# Planning ---------------------------------------------------------------------------------------------------


def test_a_member_plans_the_conversation_on_its_page(cast, case):
    client = cast.client("teacher")
    url = reverse("meldcode:conversation_plan", args=[case.pk])
    assert client.get(url).status_code == 200
    when = at(3)
    response = client.post(
        url,
        {
            "planned_at": timezone.localtime(when).strftime("%Y-%m-%dT%H:%M"),
            "participants": ["mother", "pupil"],
            "location": "Kamer van de IB",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("meldcode:case_detail", args=[case.pk]) + "#planned-conversations"
    planned = PlannedConversation.objects.get()
    assert (planned.case, planned.planned_at, planned.planned_by) == (case, when, cast.teacher)
    assert planned.participants == ["mother", "pupil"]
    assert planned.location == "Kamer van de IB"
    event = AuditEvent.objects.get(action="conversation.plan")
    assert (event.case_id, event.object_id, event.actor_id) == (case.pk, planned.pk, cast.teacher.pk)
    assert event.detail["participants"] == ["mother", "pupil"]
    assert "Kamer" not in str(event.detail)
    page = cast.client("af").get(reverse("meldcode:case_detail", args=[case.pk])).content.decode()
    assert "Kamer van de IB" in page
    assert dutch(MeldcodeAction.CONVERSATION_PLAN.label) in page


def test_the_place_is_encrypted_at_rest(cast, case):
    planned = plan(cast, case)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT location FROM {PlannedConversation._meta.db_table} WHERE id = %s", [planned.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("enc2:") and "Kamer" not in raw
    assert PlannedConversation.objects.get().location == "Kamer van de IB"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"participants": []}, "participants"),
        ({"participants": ["neighbour"]}, "participants"),
        ({"planned_at": None}, "planned_at"),  # a day ago
    ],
)
def test_bad_input_is_refused_and_nothing_is_saved(cast, case, data, field):
    values = {"planned_at": at(2), "participants": ["mother"], "location": ""}
    values.update(data)
    if values["planned_at"] is None:
        values["planned_at"] = at(-1)
    with pytest.raises(ValidationError) as error:
        services.plan_conversation(cast.actor("af"), case, **values)
    assert field in error.value.error_dict
    assert PlannedConversation.objects.count() == 0


def test_a_moment_in_the_past_is_refused_in_dutch_on_the_page(cast, case):
    response = cast.client("af").post(
        reverse("meldcode:conversation_plan", args=[case.pk]),
        {"planned_at": timezone.localtime(at(-2)).strftime("%Y-%m-%dT%H:%M"), "participants": ["mother"]},
    )
    assert response.status_code == 200
    assert dutch("A conversation cannot be planned in the past.") in response.content.decode()
    assert PlannedConversation.objects.count() == 0


def test_a_closed_dossier_cannot_plan(cast, case):
    route.close_case(cast.actor("af"), case, reason="too_vague", explanation="Vaag.")
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        plan(cast, case, who="af")
    assert PlannedConversation.objects.count() == 0


def test_who_may_not_see_the_dossier_cannot_plan(cast, case):
    url = reverse("meldcode:conversation_plan", args=[case.pk])
    data = {"planned_at": timezone.localtime(at(2)).strftime("%Y-%m-%dT%H:%M"), "participants": ["mother"]}
    for name, status in (("teacher2", 404), ("assistant", 404), ("af_b", 404), ("admin", 403)):
        assert cast.client(name).post(url, data).status_code == status, name
    for name in ("teacher2", "af_b"):
        with pytest.raises(PermissionDenied):
            plan(cast, case, who=name)
    assert PlannedConversation.objects.count() == 0


# Done: held, or cancelled ------------------------------------------------------------------------------------


def test_a_conversation_recorded_later_makes_the_plan_held(cast, case):
    planned = plan(cast, case)
    _record_conversation(cast, case)
    page = cast.client("teacher").get(reverse("meldcode:case_detail", args=[case.pk])).content.decode()
    assert dutch("held and recorded") in page
    assert [p.done for p in page_plans(cast, case)] == [True]
    assert reverse("meldcode:conversation_plan_cancel", args=[planned.pk]) not in page
    with pytest.raises(ValidationError):
        services.cancel_planned_conversation(cast.actor("af"), planned)


def page_plans(cast, case):
    return cast.client("af").get(reverse("meldcode:case_detail", args=[case.pk])).context["sg"].planned


def test_a_conversation_recorded_before_planning_does_not_count(cast, case):
    _record_conversation(cast, case)
    plan(cast, case)
    assert [p.done for p in page_plans(cast, case)] == [False]
    assert len(providers.planned_conversations(cast.actor("teacher"), timezone.localdate())) == 1


def test_cancelling_a_plan(cast, case):
    planned = plan(cast, case)
    client = cast.client("teacher")
    url = reverse("meldcode:conversation_plan_cancel", args=[planned.pk])
    response = client.post(url)
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.cancelled_at is not None and planned.cancelled_by == cast.teacher
    event = AuditEvent.objects.get(action="conversation.plan_cancel")
    assert (event.case_id, event.object_id) == (case.pk, planned.pk)
    # Twice: refused, nothing changes.
    again = client.post(url, follow=True)
    assert [m.level_tag for m in again.context["messages"]][-1] == "error"
    assert AuditEvent.objects.filter(action="conversation.plan_cancel").count() == 1
    assert dutch("cancelled on %(date)s by %(name)s").split("%(")[0] in again.content.decode()


def test_who_may_not_see_the_dossier_cannot_cancel(cast, case):
    planned = plan(cast, case)
    for name in ("teacher2", "assistant", "af_b"):
        assert (
            cast.client(name).post(reverse("meldcode:conversation_plan_cancel", args=[planned.pk])).status_code == 404
        )
    assert AuditEvent.objects.filter(
        action="case.view", outcome=AuditEvent.Outcome.DENIED, actor_id=cast.teacher2.pk, case_id=case.pk
    ).exists()
    planned.refresh_from_db()
    assert planned.cancelled_at is None


# The task ---------------------------------------------------------------------------------------------------


def test_the_task_is_for_the_members_and_the_school_wide_roles_due_on_its_day(cast, case):
    planned = plan(cast, case, days=2)
    today = timezone.localdate()
    for name in ("teacher", "af", "ib", "leader"):
        [task] = providers.planned_conversations(cast.actor(name), today)
        assert task.key == f"planned_conversation:{planned.pk}"
        assert task.kind == "conversation_planned"
        assert "Sanne de Vries" in task.title and "15:30" in task.title
        assert task.url == reverse("meldcode:case_detail", args=[case.pk]) + "#planned-conversations"
        assert (task.due, task.overdue) == (today + timedelta(days=2), False)
    for name in ("teacher2", "assistant", "af_b", "admin"):
        assert providers.planned_conversations(cast.actor(name), today) == [], name


def test_a_plan_whose_day_passed_without_a_conversation_is_overdue(cast, case):
    plan(cast, case, days=1)
    [task] = providers.planned_conversations(cast.actor("teacher"), timezone.localdate() + timedelta(days=3))
    assert task.overdue


@pytest.mark.parametrize("ending", ["held", "cancelled", "closed"])
def test_the_task_goes_when_the_conversation_is_held_cancelled_or_the_dossier_closed(cast, case, ending):
    planned = plan(cast, case)
    if ending == "held":
        _record_conversation(cast, case)
    elif ending == "cancelled":
        services.cancel_planned_conversation(cast.actor("af"), planned)
    else:
        route.close_case(cast.actor("af"), case, reason="too_vague", explanation="Vaag.")
    assert providers.planned_conversations(cast.actor("teacher"), timezone.localdate()) == []


def test_the_task_is_on_my_tasks_page(cast, case):
    plan(cast, case, days=0, planned_at=timezone.now() + timedelta(minutes=30))
    page = cast.client("teacher").get(reverse("tasks:mine")).content.decode()
    assert reverse("meldcode:case_detail", args=[case.pk]) + "#planned-conversations" in page


def test_the_provider_makes_a_fixed_number_of_queries(cast, django_assert_max_num_queries):
    af = cast.actor("af")
    for n in range(8):
        pupil = PupilFactory(school=cast.school_a)
        case = cast.case(author="teacher", by="af", pupil=pupil)
        plan(cast, case, who="af", days=n + 1)
    with django_assert_max_num_queries(1):
        assert len(providers.planned_conversations(af, timezone.localdate())) == 8
