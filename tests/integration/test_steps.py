"""Steps 2 to 4 of the route, and the acute path straight to the decision.

Reads as the specification. Each step is one form on its own page; what it saves is what the
person entered, with who and when; bad input shows the error on the form and saves nothing. A
closed dossier takes no new records. In acute danger the AF goes straight to the decision: the
steps not yet taken are recorded as skipped, with the reason "acute".
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from haven.audit.models import AuditEvent
from haven.meldcode import services
from haven.meldcode.models import Consultation, Conversation, StepSkip, Weighing
from haven.meldcode.workflow import NextAction, Step, StepStatus

TODAY = timezone.localdate


def _url(case, name):
    return reverse(f"meldcode:{name}", args=[case.pk])


def _case(cast):
    return cast.case("teacher", by="af")


def consultation_data(**overrides):
    data = {
        "held_on": TODAY().isoformat(),
        "consulted": "safeguarding_lead",
        "consulted_name": "Petra Smit",
        "question": "Zijn deze signalen genoeg om verder te gaan?",
        "advice": "Ja: plan een gesprek met de ouders.",
        "agreed_actions": "Leerkracht bereidt het gesprek voor met de IB.",
    }
    data.update(overrides)
    return data


def conversation_data(**overrides):
    data = {
        "held_on": TODAY().isoformat(),
        "participants": ["mother", "pupil"],
        "participants_detail": "Moeder en Sanne",
        "face_to_face": "on",
        "location": "Kamer van de IB",
        "shared": "De blauwe plekken die we zagen.",
        "reaction": "Moeder: 'Ze valt veel van haar fiets.'",
        "agreements": "Over twee weken opnieuw.",
        "acknowledgement": "seen",
    }
    data.update(overrides)
    return data


def weighing_data(**overrides):
    data = {
        "suspicion": "yes",
        "suspicion_explanation": "Herhaalde verwondingen zonder uitleg.",
        "unsafety": "no",
        "unsafety_explanation": "Geen acuut gevaar; wel zorgen.",
        "risk_factors": "Vader recent werkloos.",
        "protective_factors": "Betrokken oma.",
        "safety_score_parents": "6",
        "safety_score_pupil": "4",
    }
    data.update(overrides)
    return data


def _errors(response):
    assert response.status_code == 200
    return response.context["form"].errors


# --- Step 2: consultation -----------------------------------------------------------------------


def test_a_teacher_records_a_consultation(cast):
    case = _case(cast)
    response = cast.client("teacher").post(_url(case, "consultation_create"), consultation_data())
    assert response.status_code == 302
    assert response.url == _url(case, "case_detail")
    consultation = Consultation.objects.get()
    assert consultation.case == case
    assert consultation.recorded_by == cast.teacher
    assert consultation.held_on == TODAY()
    assert consultation.consulted == "safeguarding_lead"
    assert consultation.consulted_name == "Petra Smit"
    assert consultation.question == "Zijn deze signalen genoeg om verder te gaan?"
    assert consultation.advice == "Ja: plan een gesprek met de ouders."
    assert consultation.agreed_actions == "Leerkracht bereidt het gesprek voor met de IB."
    assert consultation.anonymous is False
    assert AuditEvent.objects.filter(action="case.consultation", case=case, actor=cast.teacher).count() == 1


def test_anonymous_advice_is_kept_for_veilig_thuis(cast):
    case = _case(cast)
    cast.client("af").post(
        _url(case, "consultation_create"), consultation_data(consulted="veilig_thuis", anonymous="on")
    )
    consultation = Consultation.objects.get()
    assert consultation.anonymous is True
    assert AuditEvent.objects.get(action="case.consultation").detail == {
        "consulted": "veilig_thuis",
        "anonymous": True,
    }


@pytest.mark.parametrize("consulted", ["colleague", "care_coordinator", "school_doctor", "other_organisation"])
def test_the_anonymous_flag_is_dropped_for_anyone_but_veilig_thuis(cast, consulted):
    case = _case(cast)
    response = cast.client("af").post(
        _url(case, "consultation_create"), consultation_data(consulted=consulted, anonymous="on")
    )
    assert response.status_code == 302
    assert Consultation.objects.get().anonymous is False


def test_a_consultation_needs_a_question_and_the_advice_and_no_future_date(cast):
    case = _case(cast)
    client = cast.client("teacher")
    url = _url(case, "consultation_create")
    assert "question" in _errors(client.post(url, consultation_data(question="")))
    assert "advice" in _errors(client.post(url, consultation_data(advice="")))
    tomorrow = (TODAY() + timedelta(days=1)).isoformat()
    assert "held_on" in _errors(client.post(url, consultation_data(held_on=tomorrow)))
    assert not Consultation.objects.exists()


# --- Step 3: conversation -----------------------------------------------------------------------


def test_a_conversation_is_recorded(cast):
    case = _case(cast)
    response = cast.client("teacher").post(_url(case, "conversation_create"), conversation_data())
    assert response.status_code == 302
    conversation = Conversation.objects.get()
    assert conversation.case == case
    assert conversation.recorded_by == cast.teacher
    assert conversation.participants == ["mother", "pupil"]
    assert conversation.participants_detail == "Moeder en Sanne"
    assert conversation.face_to_face is True
    assert conversation.location == "Kamer van de IB"
    assert conversation.shared == "De blauwe plekken die we zagen."
    assert conversation.reaction == "Moeder: 'Ze valt veel van haar fiets.'"
    assert conversation.agreements == "Over twee weken opnieuw."
    assert conversation.acknowledgement == Conversation.Acknowledgement.SEEN
    assert AuditEvent.objects.get(action="case.conversation", case=case).detail == {"participants": ["mother", "pupil"]}


def test_a_conversation_by_phone_is_recorded_as_not_face_to_face(cast):
    case = _case(cast)
    data = conversation_data()
    del data["face_to_face"]
    cast.client("teacher").post(_url(case, "conversation_create"), data)
    assert Conversation.objects.get().face_to_face is False


def test_a_conversation_needs_participants(cast):
    case = _case(cast)
    data = conversation_data()
    del data["participants"]
    response = cast.client("teacher").post(_url(case, "conversation_create"), data)
    assert "participants" in _errors(response)
    assert not Conversation.objects.exists()


@pytest.mark.parametrize("choice", ["agreed", "seen", "refused", "not_asked"])
def test_every_acknowledgement_choice_is_accepted(cast, choice):
    case = _case(cast)
    cast.client("teacher").post(_url(case, "conversation_create"), conversation_data(acknowledgement=choice))
    assert Conversation.objects.get().acknowledgement == choice


def test_an_unknown_acknowledgement_is_refused(cast):
    case = _case(cast)
    response = cast.client("teacher").post(
        _url(case, "conversation_create"), conversation_data(acknowledgement="signed_in_blood")
    )
    assert "acknowledgement" in _errors(response)
    assert not Conversation.objects.exists()


def test_the_acknowledgement_defaults_to_not_asked(cast):
    case = _case(cast)
    form = cast.client("teacher").get(_url(case, "conversation_create")).context["form"]
    assert form["acknowledgement"].value() == "not_asked"
    assert [c for c, _label in form.fields["acknowledgement"].choices] == ["agreed", "seen", "refused", "not_asked"]


# --- Skipping the conversation ------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["child_safety", "others_safety", "professional_safety", "break_of_contact"])
def test_the_conversation_is_skipped_for_a_lawful_reason(cast, reason):
    case = _case(cast)
    response = cast.client("teacher").post(
        _url(case, "conversation_skip"), {"reason": reason, "explanation": "Vader dreigde eerder met geweld."}
    )
    assert response.status_code == 302
    skip = StepSkip.objects.get()
    assert (skip.case, skip.step, skip.reason) == (case, Step.CONVERSATION, reason)
    assert skip.explanation == "Vader dreigde eerder met geweld."
    assert skip.recorded_by == cast.teacher
    assert AuditEvent.objects.filter(action="case.skip_conversation", case=case).count() == 1


def test_skipping_the_conversation_shows_as_skipped_on_the_dossier(cast):
    case = _case(cast)
    cast.client("teacher").post(
        _url(case, "conversation_skip"), {"reason": "child_safety", "explanation": "Gevaar voor Sanne."}
    )
    response = cast.client("teacher").get(_url(case, "case_detail"))
    statuses = {step: status for step, _label, status in response.context["steps"]}
    assert statuses[Step.CONVERSATION] == StepStatus.SKIPPED
    assert "Gevaar voor Sanne." in response.content.decode()
    # The skip link is gone: the conversation can be skipped once.
    assert _url(case, "conversation_skip") not in response.content.decode()


def test_the_acute_reason_is_not_a_reason_to_skip_the_conversation(cast):
    case = _case(cast)
    client = cast.client("teacher")
    form = client.get(_url(case, "conversation_skip")).context["form"]
    assert "acute" not in [c for c, _label in form.fields["reason"].choices]
    response = client.post(_url(case, "conversation_skip"), {"reason": "acute", "explanation": "Spoed."})
    assert "reason" in _errors(response)
    assert not StepSkip.objects.exists()


def test_skipping_needs_a_reason_and_an_explanation(cast):
    case = _case(cast)
    client = cast.client("teacher")
    url = _url(case, "conversation_skip")
    assert "reason" in _errors(client.post(url, {"explanation": "Geen zin in."}))
    assert "explanation" in _errors(client.post(url, {"reason": "child_safety", "explanation": "  "}))
    assert not StepSkip.objects.exists()


def test_skipping_twice_is_refused(cast):
    case = _case(cast)
    services.skip_conversation(cast.actor("af"), case, reason="child_safety", explanation="Gevaar.")
    response = cast.client("af").post(
        _url(case, "conversation_skip"), {"reason": "others_safety", "explanation": "Nog een keer."}
    )
    assert response.context["form"].non_field_errors()
    assert StepSkip.objects.get().reason == "child_safety"


# --- Step 4: weighing ---------------------------------------------------------------------------


def test_the_ib_records_the_weighing(cast):
    case = _case(cast)
    response = cast.client("ib").post(_url(case, "weighing_create"), weighing_data())
    assert response.status_code == 302
    weighing = Weighing.objects.get()
    assert weighing.case == case
    assert weighing.recorded_by == cast.ib
    assert weighing.suspicion is True
    assert weighing.unsafety is False
    assert weighing.suspicion_explanation == "Herhaalde verwondingen zonder uitleg."
    assert weighing.unsafety_explanation == "Geen acuut gevaar; wel zorgen."
    assert weighing.risk_factors == "Vader recent werkloos."
    assert weighing.protective_factors == "Betrokken oma."
    assert (weighing.safety_score_parents, weighing.safety_score_pupil) == (6, 4)
    assert AuditEvent.objects.get(action="case.weighing", case=case).detail == {"suspicion": True, "unsafety": False}


def test_with_a_suspicion_question_2_must_be_answered(cast):
    case = _case(cast)
    response = cast.client("ib").post(_url(case, "weighing_create"), weighing_data(unsafety=""))
    assert "unsafety" in _errors(response)
    assert not Weighing.objects.exists()


def test_without_a_suspicion_question_2_is_not_kept(cast):
    case = _case(cast)
    cast.client("ib").post(_url(case, "weighing_create"), weighing_data(suspicion="no", unsafety="yes"))
    weighing = Weighing.objects.get()
    assert weighing.suspicion is False
    assert weighing.unsafety is None


def test_question_1_needs_an_explanation(cast):
    case = _case(cast)
    response = cast.client("ib").post(_url(case, "weighing_create"), weighing_data(suspicion_explanation=""))
    assert "suspicion_explanation" in _errors(response)
    assert not Weighing.objects.exists()


@pytest.mark.parametrize("score", ["0", "11", "-1"])
@pytest.mark.parametrize("field", ["safety_score_parents", "safety_score_pupil"])
def test_a_safety_score_outside_1_to_10_is_refused(cast, field, score):
    case = _case(cast)
    response = cast.client("ib").post(_url(case, "weighing_create"), weighing_data(**{field: score}))
    assert field in _errors(response)
    assert not Weighing.objects.exists()


@pytest.mark.parametrize("score", ["1", "10"])
def test_safety_scores_1_and_10_are_accepted(cast, score):
    case = _case(cast)
    cast.client("ib").post(
        _url(case, "weighing_create"), weighing_data(safety_score_parents=score, safety_score_pupil=score)
    )
    weighing = Weighing.objects.get()
    assert weighing.safety_score_parents == weighing.safety_score_pupil == int(score)


def test_safety_scores_are_optional(cast):
    case = _case(cast)
    cast.client("ib").post(_url(case, "weighing_create"), weighing_data(safety_score_parents="", safety_score_pupil=""))
    weighing = Weighing.objects.get()
    assert weighing.safety_score_parents is None
    assert weighing.safety_score_pupil is None


# --- A closed dossier takes no new records ------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "model"),
    [
        ("consultation_create", consultation_data(), Consultation),
        ("conversation_create", conversation_data(), Conversation),
        ("conversation_skip", {"reason": "child_safety", "explanation": "Gevaar."}, StepSkip),
        ("weighing_create", weighing_data(), Weighing),
    ],
)
def test_a_closed_dossier_refuses_new_records(cast, name, data, model):
    case = _case(cast)
    services.close_case(cast.actor("af"), case, reason="too_vague", explanation="Te vaag voor nu.")
    response = cast.client("af").post(_url(case, name), data)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not model.objects.exists()


def test_a_closed_dossier_refuses_a_new_signal(cast):
    case = _case(cast)
    services.close_case(cast.actor("af"), case, reason="too_vague", explanation="Te vaag voor nu.")
    response = cast.client("teacher").post(
        f"{reverse('meldcode:signal_create')}?dossier={case.pk}",
        {
            "observed_at_0": timezone.localtime().strftime("%Y-%m-%d"),
            "observed_at_1": timezone.localtime().strftime("%H:%M"),
            "source": "own_observation",
            "categories": ["gut_feeling"],
            "facts": "Nieuw signaal.",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert case.signals.count() == 1


def test_a_closed_dossier_shows_no_record_buttons(cast):
    case = _case(cast)
    services.close_case(cast.actor("af"), case, reason="too_vague", explanation="Te vaag voor nu.")
    content = cast.client("af").get(_url(case, "case_detail")).content.decode()
    for name in ("consultation_create", "conversation_create", "weighing_create", "acute", "decision_create"):
        assert _url(case, name) not in content


# --- Adding a signal to the dossier -------------------------------------------------------------


def test_a_member_adds_a_signal_straight_into_the_dossier(cast):
    case = _case(cast)
    client = cast.client("teacher")
    response = client.get(_url(case, "case_add_signal"))
    assert response.url == f"{reverse('meldcode:signal_create')}?dossier={case.pk}"
    response = client.post(
        response.url,
        {
            "observed_at_0": timezone.localtime().strftime("%Y-%m-%d"),
            "observed_at_1": timezone.localtime().strftime("%H:%M"),
            "source": "child_told",
            "categories": ["physical_abuse"],
            "facts": "Sanne vertelde dat papa haar had geslagen.",
        },
    )
    assert response.status_code == 302
    assert response.url == _url(case, "case_detail")
    signal = case.signals.get(source="child_told")
    assert signal.status == "in_case"
    assert signal.pupil == cast.pupil
    assert AuditEvent.objects.get(action="signal.log", object_id=signal.pk).case == case


# --- Acute: straight to the decision ------------------------------------------------------------


def test_declaring_acute_skips_the_steps_not_taken_and_goes_to_the_decision(cast):
    case = _case(cast)
    response = cast.client("af").post(_url(case, "acute"), {"explanation": "Sanne durft niet naar huis."})
    assert response.status_code == 302
    assert response.url == _url(case, "decision_create")
    case.refresh_from_db()
    assert case.acute is True
    skips = {s.step: s for s in StepSkip.objects.filter(case=case)}
    assert set(skips) == {Step.CONSULTATION, Step.CONVERSATION, Step.WEIGHING}
    for skip in skips.values():
        assert skip.reason == StepSkip.Reason.ACUTE
        assert skip.explanation == "Sanne durft niet naar huis."
        assert skip.recorded_by == cast.af
    event = AuditEvent.objects.get(action="case.acute", case=case)
    assert event.actor == cast.af
    assert sorted(event.detail["skipped_steps"]) == [2, 3, 4]


def test_after_acute_the_dossier_shows_the_steps_as_skipped(cast):
    case = _case(cast)
    client = cast.client("af")
    client.post(_url(case, "acute"), {"explanation": "Sanne durft niet naar huis."})
    response = client.get(_url(case, "case_detail"))
    statuses = {step: status for step, _label, status in response.context["steps"]}
    assert statuses == {
        Step.SIGNALS: StepStatus.DONE,
        Step.CONSULTATION: StepStatus.SKIPPED,
        Step.CONVERSATION: StepStatus.SKIPPED,
        Step.WEIGHING: StepStatus.SKIPPED,
        Step.DECISION: StepStatus.CURRENT,
    }
    assert response.context["d"].route.next_action == NextAction.RECORD_DECISION
    assert response.context["next_url"] == _url(case, "decision_create")
    content = response.content.decode()
    assert content.count("Sanne durft niet naar huis.") == 3  # the explanation under steps 2, 3 and 4
    assert response.context["case"].acute is True


def test_acute_keeps_the_steps_already_taken(cast):
    case = _case(cast)
    af = cast.actor("af")
    services.record_consultation(af, case, held_on=TODAY(), consulted="veilig_thuis", question="V", advice="A")
    services.skip_conversation(af, case, reason="child_safety", explanation="Gevaar.")
    cast.client("af").post(_url(case, "acute"), {"explanation": "Acuut."})
    skips = {s.step: s.reason for s in StepSkip.objects.filter(case=case)}
    assert skips == {Step.CONVERSATION: "child_safety", Step.WEIGHING: "acute"}


def test_acute_needs_an_explanation(cast):
    case = _case(cast)
    response = cast.client("af").post(_url(case, "acute"), {"explanation": " "})
    assert "explanation" in _errors(response)
    case.refresh_from_db()
    assert case.acute is False
    assert not StepSkip.objects.exists()


def test_after_acute_the_decision_page_says_to_phone_veilig_thuis_first(cast):
    case = _case(cast)
    client = cast.client("af")
    assert "0800-2000" not in client.get(_url(case, "decision_create")).content.decode()
    response = client.post(_url(case, "acute"), {"explanation": "Acuut gevaar."}, follow=True)
    assert response.redirect_chain[-1][0] == _url(case, "decision_create")
    assert "0800-2000" in response.content.decode()
    services.decide(
        cast.actor("af"),
        case,
        answers={"suspicion": True, "unsafety": True, "can_help": None, "accepted": None, "effective": None},
        outcome="report",
        rationale="Acuut.",
        decided_by=cast.af,
    )
    page = client.get(_url(case, "case_detail"))
    assert page.context["d"].route.next_action == NextAction.PHONE_AND_REPORT
    assert "0800-2000" in str(page.context["next_text"])
    assert page.context["next_url"] == _url(case, "report_edit")
