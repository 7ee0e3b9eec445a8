"""A refused attempt is written to the audit log too: who tried what, from where.

`@requires` refuses a signed-in person who lacks the view's permission with 403 and records a
denied read: the permission as the action, the path (never the query string) as detail.
Object-level refusals (another school's dossier, a dossier one is not a member of) are recorded by
the queries with the dossier itself, and answered with 404.
"""

from django.core.management import call_command
from django.urls import reverse

from haven.audit.models import AuditEvent
from tests.factories import UserFactory


def denied():
    return AuditEvent.objects.filter(outcome=AuditEvent.Outcome.DENIED)


def test_a_teacher_opening_the_weighing_is_refused_and_logged(cast):
    case = cast.case()
    url = reverse("meldcode:weighing_create", args=[case.pk])
    client = cast.client("teacher")
    assert client.get(url + "?leerling=Sanne").status_code == 403
    event = denied().get()
    assert event.kind == AuditEvent.Kind.READ
    assert event.action == "case.weigh"
    assert event.detail == {"path": url}
    assert (event.actor_id, event.role, event.school_id) == (cast.teacher.pk, "teacher", cast.school_a.pk)
    assert event.source_address == "127.0.0.1"
    assert event.session_key == client.session.session_key
    call_command("verify_audit")


def test_a_refused_post_is_logged(cast):
    case = cast.case()
    url = reverse("meldcode:case_close", args=[case.pk])
    assert cast.client("teacher").post(url, {"reason": "too_vague", "explanation": "x"}).status_code == 403
    assert denied().get().action == "case.close"
    assert case.closures.count() == 0


def test_the_functional_administrator_asking_for_dossiers_is_logged(cast):
    assert cast.client("admin").get(reverse("meldcode:case_list")).status_code == 403
    event = denied().get()
    assert (event.action, event.actor_id, event.role) == ("case.list", cast.admin.pk, "functional_admin")


def test_someone_without_a_school_is_logged_without_one(cast):
    stranger = UserFactory()
    client = cast.client("teacher")
    client.force_login(stranger)
    assert client.get(reverse("meldcode:inbox")).status_code == 403
    event = denied().get()
    assert (event.action, event.actor_id, event.role, event.school_id) == ("inbox.view", stranger.pk, "", None)


def test_anonymous_visitors_are_sent_to_sign_in_and_not_logged(cast):
    case = cast.case()
    before = AuditEvent.objects.count()
    from django.test import Client

    assert Client().get(reverse("meldcode:weighing_create", args=[case.pk])).status_code == 302
    assert AuditEvent.objects.count() == before


def test_an_allowed_visit_logs_no_denial(cast):
    case = cast.case()
    assert cast.client("af").get(reverse("meldcode:weighing_create", args=[case.pk])).status_code == 200
    assert not denied().exists()


def test_object_level_refusals_name_the_dossier(cast):
    case = cast.case()
    assert cast.client("teacher2").get(reverse("meldcode:case_detail", args=[case.pk])).status_code == 404
    assert cast.client("af_b").get(reverse("meldcode:case_detail", args=[case.pk])).status_code == 404
    events = list(denied().order_by("sequence"))
    assert [(e.actor_id, e.action, e.case_id) for e in events] == [
        (cast.teacher2.pk, "case.view", case.pk),
        (cast.af_b.pk, "case.view", case.pk),
    ]
    assert events[1].school_id == cast.school_b.pk
    call_command("verify_audit")
