"""Closing a dossier, and reopening it when new signals come in.

Reads as the specification. A dossier is closed with a reason and an explanation; the closed
dossier shows why, and offers to reopen it. Reopening needs a reason, records who and when, and
the route continues where it was. A pupil never has two open dossiers.
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from haven.audit.models import AuditEvent
from haven.meldcode import services
from haven.meldcode.models import Case, Closure, Consultation
from haven.meldcode.workflow import NextAction


def _url(case, name="case_detail"):
    return reverse(f"meldcode:{name}", args=[case.pk])


def _case(cast):
    return cast.case("teacher", by="af")


def _close(cast, case, by="af"):
    return services.close_case(
        cast.actor(by), case, reason="too_vague", explanation="Signalen te vaag; we blijven kijken."
    )


def _messages(client, url):
    return [str(m) for m in client.get(url).context["messages"]]


# --- Closing --------------------------------------------------------------------------------------


def test_closing_a_dossier_with_a_reason_and_explanation(cast):
    case = _case(cast)
    response = cast.client("ib").post(
        _url(case, "case_close"), {"reason": "explained", "explanation": "Moeder legde uit: valpartij bij judo."}
    )
    assert response.status_code == 302
    assert response.url == _url(case)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    closure = Closure.objects.get()
    assert closure.case == case
    assert closure.recorded_by == cast.ib
    assert closure.reason == "explained"
    assert closure.explanation == "Moeder legde uit: valpartij bij judo."
    assert closure.reopened_at is None
    assert AuditEvent.objects.get(action="case.close", case=case).detail == {"reason": "explained"}


def test_closing_needs_a_reason(cast):
    case = _case(cast)
    response = cast.client("af").post(_url(case, "case_close"), {"explanation": "Klaar."})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    case.refresh_from_db()
    assert case.is_open
    assert not Closure.objects.exists()


def test_closing_needs_an_explanation(cast):
    case = _case(cast)
    response = cast.client("af").post(_url(case, "case_close"), {"reason": "other", "explanation": "  "})
    assert "explanation" in response.context["form"].errors
    case.refresh_from_db()
    assert case.is_open
    assert not Closure.objects.exists()


def test_an_unknown_reason_is_refused(cast):
    case = _case(cast)
    response = cast.client("af").post(_url(case, "case_close"), {"reason": "bored", "explanation": "Klaar."})
    assert "reason" in response.context["form"].errors
    assert not Closure.objects.exists()


def test_a_closed_dossier_cannot_be_closed_again(cast):
    case = _case(cast)
    _close(cast, case)
    response = cast.client("af").post(_url(case, "case_close"), {"reason": "other", "explanation": "Nogmaals."})
    assert response.context["form"].non_field_errors()
    assert Closure.objects.count() == 1


def test_the_closed_dossier_shows_the_closure_and_the_reopen_form(cast):
    case = _case(cast)
    _close(cast, case)
    response = cast.client("af").get(_url(case))
    assert response.status_code == 200
    assert response.context["d"].closures == [Closure.objects.get()]
    assert response.context["d"].route.next_action == NextAction.REOPEN_IF_NEEDED
    assert response.context["next_url"] is None
    assert response.context["reopen_form"] is not None
    content = response.content.decode()
    assert escape("Signalen te vaag; we blijven kijken.") in content
    assert f'action="{_url(case, "case_reopen")}"' in content
    assert escape(str(cast.af)) in content


def test_the_teacher_sees_the_closure_but_no_reopen_form(cast):
    case = _case(cast)
    _close(cast, case)
    response = cast.client("teacher").get(_url(case))
    assert response.status_code == 200
    assert response.context["reopen_form"] is None
    content = response.content.decode()
    assert escape("Signalen te vaag; we blijven kijken.") in content
    assert _url(case, "case_reopen") not in content


def test_a_closed_dossier_is_listed_under_closed(cast):
    open_case = cast.case("teacher", by="af", pupil=cast.sibling)
    case = _case(cast)
    _close(cast, case)
    client = cast.client("af")
    assert [c.pk for c, _route in client.get(reverse("meldcode:case_list")).context["rows"]] == [open_case.pk]
    closed = client.get(reverse("meldcode:case_list"), {"status": "closed"})
    assert [c.pk for c, _route in closed.context["rows"]] == [case.pk]
    every = client.get(reverse("meldcode:case_list"), {"status": "all"})
    assert {c.pk for c, _route in every.context["rows"]} == {case.pk, open_case.pk}


# --- Reopening ------------------------------------------------------------------------------------


def test_reopening_needs_a_reason(cast):
    case = _case(cast)
    _close(cast, case)
    client = cast.client("af")
    response = client.post(_url(case, "case_reopen"), {"reason": "  "})
    assert response.status_code == 302
    assert response.url == _url(case)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert Closure.objects.get().reopened_at is None
    assert not AuditEvent.objects.filter(action="case.reopen").exists()
    assert _messages(client, _url(case))


def test_reopening_records_who_when_and_why(cast):
    case = _case(cast)
    _close(cast, case)
    before = timezone.now()
    response = cast.client("ib").post(_url(case, "case_reopen"), {"reason": "Nieuwe blauwe plekken gezien."})
    assert response.status_code == 302
    assert response.url == _url(case)
    case.refresh_from_db()
    assert case.is_open
    closure = Closure.objects.get()
    assert closure.reopened_by == cast.ib
    assert before <= closure.reopened_at <= timezone.now()
    assert closure.reopen_reason == "Nieuwe blauwe plekken gezien."
    # The closure itself stays, as history.
    assert closure.explanation == "Signalen te vaag; we blijven kijken."
    assert AuditEvent.objects.filter(action="case.reopen", case=case, actor=cast.ib).count() == 1
    page = cast.client("af").get(_url(case))
    assert page.context["reopen_form"] is None
    content = page.content.decode()
    assert escape("Nieuwe blauwe plekken gezien.") in content
    assert escape(str(cast.ib)) in content


def test_after_reopening_the_route_continues(cast):
    case = _case(cast)
    af = cast.actor("af")
    services.record_consultation(
        af, case, held_on=timezone.localdate(), consulted="care_coordinator", question="V", advice="A"
    )
    _close(cast, case)
    client = cast.client("af")
    client.post(_url(case, "case_reopen"), {"reason": "Nieuwe signalen."})
    page = client.get(_url(case))
    assert page.context["d"].route.next_action == NextAction.RECORD_CONVERSATION
    assert page.context["next_url"] == _url(case, "conversation_create")
    # Records can be added again.
    response = cast.client("teacher").post(
        _url(case, "consultation_create"),
        {
            "held_on": timezone.localdate().isoformat(),
            "consulted": "veilig_thuis",
            "question": "Nieuwe signalen: wat nu?",
            "advice": "Gesprek met de ouders.",
        },
    )
    assert response.status_code == 302
    assert Consultation.objects.filter(case=case).count() == 2


def test_an_open_dossier_cannot_be_reopened(cast):
    case = _case(cast)
    client = cast.client("af")
    client.post(_url(case, "case_reopen"), {"reason": "Waarom niet."})
    assert not AuditEvent.objects.filter(action="case.reopen").exists()
    assert _messages(client, _url(case))


def test_reopening_is_refused_when_the_pupil_has_another_open_dossier(cast):
    old = _case(cast)
    _close(cast, old)
    new = cast.case("teacher2", by="ib")
    assert new.pupil == old.pupil
    client = cast.client("af")
    response = client.post(_url(old, "case_reopen"), {"reason": "Hoort bij dezelfde zorg."})
    assert response.url == _url(old)
    old.refresh_from_db()
    assert old.status == Case.Status.CLOSED
    assert Closure.objects.get(case=old).reopened_at is None
    assert list(Case.objects.filter(pupil=cast.pupil, status=Case.Status.OPEN)) == [new]
    assert _messages(client, _url(old))


def test_a_dossier_closed_twice_keeps_both_closures(cast):
    case = _case(cast)
    _close(cast, case)
    services.reopen_case(cast.actor("af"), case, reason="Nieuwe signalen.")
    services.close_case(cast.actor("ib"), case, reason="help_working", explanation="Hulp loopt goed.")
    response = cast.client("af").get(_url(case))
    closures = response.context["d"].closures
    assert [c.reason for c in closures] == ["too_vague", "help_working"]
    assert closures[0].reopened_by == cast.af
    assert closures[1].reopened_at is None
    assert response.context["reopen_form"] is not None
