"""The dossier page offers what the current step needs, and folds the rest.

Reads as the specification. Beside the next step stand the actions of the current step; every
other action is under "Other actions" (a <details>, folded), so at step 2 "Decide" is not an
equal button beside "Consult". The acute path stays in view until there is a decision. Completed
steps are folded, the current step is open; a closed dossier shows everything open. The
verwijsindex form on the page starts empty: nothing is preset, so one click records nothing. The
decision questions use the framework's own words, the same as the guidance beside the forms.
"""

import re

from django.urls import reverse
from django.utils import timezone, translation

from haven.guidance.content import CONTENT_DIR
from haven.meldcode import forms, services
from haven.meldcode.workflow import Step
from tests.builders import REPORT
from tests.support import PO, parse_po


def _page(cast, case, who="af"):
    response = cast.client(who).get(reverse("meldcode:case_detail", args=[case.pk]))
    assert response.status_code == 200
    return response


def _urls(actions):
    return {action.url for action in actions}


def test_at_step_two_decide_is_folded_under_other_actions_and_the_acute_path_stays(cast):
    case = cast.case()
    response = _page(cast, case)
    decide = reverse("meldcode:decision_create", args=[case.pk])
    assert decide in _urls(response.context["other_actions"])
    assert decide not in _urls(response.context["current_actions"])
    assert response.context["acute_url"] == reverse("meldcode:acute", args=[case.pk])
    html = response.content.decode()
    next_step = html.split('id="next-step"')[1].split('id="other-actions"')[0]
    assert decide not in next_step and 'id="acute-action"' in next_step
    folded = html.split('id="other-actions"')[1].split("</details>")[0]
    assert f'href="{decide}"' in folded
    assert re.search(r'<details class="haven-other-actions" id="other-actions">', html)  # folded: no "open"


def test_the_current_step_s_own_actions_stand_beside_the_next_step(cast):
    case = cast.case()
    services.record_consultation(
        cast.actor("af"), case, held_on=timezone.localdate(), consulted="colleague", question="V", advice="A"
    )
    response = _page(cast, case)
    # Step 3: "Go" records the conversation; skipping it is the step's other action.
    assert response.context["next_url"] == reverse("meldcode:conversation_create", args=[case.pk])
    assert _urls(response.context["current_actions"]) == {reverse("meldcode:conversation_skip", args=[case.pk])}
    assert reverse("meldcode:conversation_create", args=[case.pk]) not in _urls(response.context["other_actions"])


def test_after_the_decision_the_acute_path_is_gone_and_deciding_again_is_the_step_s_action(cast):
    case = cast.case()
    services.decide(cast.actor("af"), case, answers=REPORT, outcome="report", rationale="R", decided_by=cast.af)
    response = _page(cast, case)
    assert response.context["acute_url"] is None
    assert reverse("meldcode:decision_create", args=[case.pk]) in _urls(response.context["current_actions"])
    assert 'id="acute-action"' not in response.content.decode()


def test_completed_steps_are_folded_and_the_current_one_is_open(cast):
    case = cast.case()
    response = _page(cast, case)
    assert response.context["step_open"] == {
        Step.SIGNALS: False,
        Step.CONSULTATION: True,
        Step.CONVERSATION: True,
        Step.WEIGHING: True,
        Step.DECISION: True,
    }
    html = response.content.decode()
    assert re.search(r'<section aria-labelledby="step1">\s*<details class="haven-step">', html)
    assert re.search(r'<section aria-labelledby="step2">\s*<details class="haven-step" open>', html)


def test_a_closed_dossier_shows_every_step_open(cast):
    case = cast.case()
    services.close_case(cast.actor("af"), case, reason="too_vague", explanation="Vaag.")
    response = _page(cast, case)
    assert set(response.context["step_open"].values()) == {True}
    assert response.context["current_actions"] == response.context["other_actions"] == []


def test_the_verwijsindex_form_on_the_dossier_page_starts_empty(cast):
    case = cast.case()
    html = _page(cast, case).content.decode()
    form = html.split(f'action="{reverse("external_signals:referral_index", args=[case.pk])}"')[1].split("</form>")[0]
    assert 'name="action"' in form and "checked" not in form
    assert re.search(r'<input type="date" name="on" required id="id_vi_on">', form)
    # Posting the form as it comes records nothing.
    response = cast.client("af").post(reverse("external_signals:referral_index", args=[case.pk]), {})
    assert response.status_code == 302
    assert not case.referral_index_entries.exists()


def _dutch(message):
    """The Dutch of a message as the .po file holds it (the compiled catalogue may lag behind)."""
    with translation.override("en"):
        msgid = str(message)
    entries = {entry["msgid"]: entry["msgstr"][0] for entry in parse_po(PO) if "msgid_plural" not in entry}
    return entries[msgid]


def test_the_decision_questions_use_the_words_of_the_guidance_beside_them():
    """Each question as the forms ask it (in Dutch) stands word for word in the guidance shown beside it."""
    weighing = (CONTENT_DIR / "weighing.md").read_text(encoding="utf-8")
    decision = (CONTENT_DIR / "decision.md").read_text(encoding="utf-8")
    for name, question in forms.DECISION_QUESTIONS.items():
        number, text = _dutch(question).split(". ", 1)
        guidance = weighing if int(number) <= 2 else decision
        assert f"**Vraag {number}: {text}**" in guidance, name
    # The framework's words: "aanvaarden", and the parents and the pupil, not "those involved".
    assert "Aanvaarden de ouders en de leerling" in _dutch(forms.DECISION_QUESTIONS["accepted"])
    assert forms.WeighingForm.base_fields["suspicion"].label == forms.DECISION_QUESTIONS["suspicion"]
