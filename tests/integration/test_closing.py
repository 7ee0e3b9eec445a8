"""Closing a dossier, and reopening it when new signals come in.

Reads as the specification. A dossier is closed with a reason and an explanation; the closed
dossier shows why, and offers to reopen it. Reopening needs a reason, records who and when, and
the route continues where it was. A pupil never has two open dossiers.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
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
    # Only a signal so far: the route stopped at step 2, the consultation.
    assert closure.step_at_closing == 2
    assert AuditEvent.objects.get(action="case.close", case=case).detail == {"reason": "explained", "step": 2}


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


# --- The reasons a person can give, and where the route stopped -----------------------------------


def dutch(text):
    with translation.override("nl"):
        return translation.gettext(text)


def test_the_form_offers_every_reason_but_nobody_recorded_why(cast):
    response = cast.client("af").get(_url(_case(cast), "case_close"))
    offered = [value for value, _label in response.context["form"].fields["reason"].choices]
    assert offered == [value for value in Closure.Reason.values if value != "not_recorded"]
    assert {"help_involved", "referred", "no_cooperation", "unclear_next", "fear_relation"} <= set(offered)
    assert 'value="not_recorded"' not in response.content.decode()


def test_a_person_cannot_close_with_nobody_recorded_why(cast):
    case = _case(cast)
    response = cast.client("af").post(_url(case, "case_close"), {"reason": "not_recorded", "explanation": "Weet niet."})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    with pytest.raises(ValidationError) as raised:
        services.close_case(cast.actor("af"), case, reason="not_recorded", explanation="Weet niet.")
    assert raised.value.message_dict == {
        "reason": [
            dutch("Choose why the dossier is closed: 'nobody recorded why' is only for dossiers Haven closes itself.")
        ]
    }
    case.refresh_from_db()
    assert case.is_open
    assert not Closure.objects.exists()


def _consult(actor, case):
    services.record_consultation(
        actor, case, held_on=timezone.localdate(), consulted="safeguarding_lead", question="V", advice="A"
    )


def _converse(actor, case):
    services.record_conversation(
        actor, case, held_on=timezone.localdate(), participants=["mother"], shared="Zorgen.", reaction="Begrip."
    )


def _weigh(actor, case):
    services.record_weighing(
        actor, case, suspicion=False, suspicion_explanation="Uitleg klopt met wat we zagen.", unsafety=None
    )


def _acute(actor, case):
    services.declare_acute(actor, case, explanation="Kind durft niet naar huis.")


@pytest.mark.parametrize(
    ("steps", "expected"),
    [
        ((), 2),
        ((_consult,), 3),
        ((_consult, _converse), 4),
        ((_consult, _converse, _weigh), 5),
        # Acute: the steps not taken are skipped, the route stands at the decision.
        ((_acute,), 5),
    ],
)
def test_the_step_at_closing_is_where_the_route_stood(cast, steps, expected):
    case = _case(cast)
    af = cast.actor("af")
    for step in steps:
        step(af, case)
    response = cast.client("af").post(_url(case, "case_close"), {"reason": "unclear_next", "explanation": "Vast."})
    assert response.status_code == 302
    closure = Closure.objects.get()
    assert closure.step_at_closing == expected
    assert AuditEvent.objects.get(action="case.close").detail == {"reason": "unclear_next", "step": expected}
    page = cast.client("af").get(_url(case)).content.decode()
    assert f"Afgesloten in stap {expected}" in page
    assert escape(dutch("Unclear what to do next")) in page


# --- Haven closes a dossier itself ----------------------------------------------------------------


def test_haven_closes_with_nobody_recorded_why_as_a_system_action(cast):
    case = _case(cast)
    _consult(cast.actor("af"), case)
    closure = services.close_case_unrecorded(case)
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert (closure.reason, closure.explanation, closure.recorded_by, closure.step_at_closing) == (
        "not_recorded",
        "",
        None,
        3,
    )
    event = AuditEvent.objects.get(action="case.close")
    assert (event.actor_id, event.role, event.school_id, event.case_id, event.pupil_id) == (
        None,
        "",
        cast.school_a.pk,
        case.pk,
        cast.pupil.pk,
    )
    assert event.detail == {"reason": "not_recorded", "step": 3}
    # The dossier says so, and who closed it: Haven.
    page = cast.client("af").get(_url(case)).content.decode()
    assert escape(dutch("Nobody recorded why")) in page
    assert "Afgesloten in stap 3" in page
    assert "· Haven</p>" in page


def test_haven_s_own_path_may_say_at_which_step_the_route_stood(cast):
    closure = services.close_case_unrecorded(_case(cast), step=4)
    assert closure.step_at_closing == 4


@pytest.mark.parametrize("step", [0, 6, "2"])
def test_a_step_outside_the_route_is_a_programming_error_and_nothing_is_written(cast, step):
    case = _case(cast)
    with pytest.raises(ValueError):
        services.close_case_unrecorded(case, step=step)
    case.refresh_from_db()
    assert case.is_open
    assert not Closure.objects.exists()


def test_haven_does_not_close_a_closed_dossier_again_and_a_person_can_reopen_it(cast):
    case = _case(cast)
    services.close_case_unrecorded(case)
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        services.close_case_unrecorded(case)
    # Even with a stale copy of the dossier in hand: the row is checked under a lock.
    stale = Case.objects.get(pk=case.pk)
    stale.status = Case.Status.OPEN
    with pytest.raises(ValidationError):
        services.close_case(cast.actor("af"), stale, reason="other", explanation="Nogmaals.")
    assert Closure.objects.count() == 1
    services.reopen_case(cast.actor("af"), case, reason="De leerling komt terug.")
    case.refresh_from_db()
    assert case.is_open
    assert Closure.objects.get().reopened_by == cast.af


def test_the_parents_access_names_nobody_for_a_closure_haven_made(cast):
    from haven.disclosure.queries import build_record

    services.close_case_unrecorded(_case(cast))
    (dossier,) = build_record(cast.pupil).dossiers
    (closing,) = [section for section in dossier.sections if section.title == dutch("Closing")]
    (entry,) = closing.entries
    assert entry.meta == []
    assert (dutch("Reason"), dutch("Nobody recorded why")) in entry.fields
