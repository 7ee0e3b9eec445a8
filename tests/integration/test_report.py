"""The report (melding) to Veilig Thuis: prepared from the dossier, saved as a draft, recorded as made.

Reads as the specification. There is only a report after a decision to report. The form starts
from what the dossier holds (the signals' facts, the household, the weighing's factors, the
consultations); the page reminds that urgent reports are phoned in and that parents, and children
from 12, may read it. Reporting is "open, unless": not telling the parents needs a reason. The
report is recorded as made by someone the protocol allows, on a date not in the future.
"""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from haven.audit.models import AuditEvent
from haven.meldcode import services
from haven.meldcode.models import Report
from haven.meldcode.workflow import NextAction
from tests.builders import CHILD_WORDS, FACTS_1, FACTS_2, PROTECTIVE, RISK, report_data
from tests.builders import report_dossier as _dossier


def _url(case, name="report_edit"):
    return reverse(f"meldcode:{name}", args=[case.pk])


def _made(cast, **overrides):
    data = {"made_on": timezone.localdate().isoformat(), "made_by": cast.af.pk, "vt_reference": "VT-2026-0042"}
    data.update(overrides)
    return data


def _messages(client, url):
    return [str(m) for m in client.get(url).context["messages"]]


# --- Only after a decision to report ------------------------------------------------------------


@pytest.mark.parametrize("outcome", [None, "help", "close"])
def test_without_a_decision_to_report_the_report_is_not_saved(cast, outcome):
    case = _dossier(cast, outcome=outcome)
    client = cast.client("af")
    assert client.get(_url(case)).status_code == 200
    response = client.post(_url(case), report_data())
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Report.objects.exists()
    assert not AuditEvent.objects.filter(action="case.report_draft").exists()


def test_the_dossier_links_to_the_report_only_after_a_decision_to_report(cast):
    case = _dossier(cast, outcome=None)
    assert _url(case) not in cast.client("af").get(_url(case, "case_detail")).content.decode()
    services.decide(
        cast.actor("af"),
        case,
        answers={"suspicion": True, "unsafety": True, "can_help": None, "accepted": None, "effective": None},
        outcome="report",
        rationale="R",
        decided_by=cast.af,
    )
    assert _url(case) in cast.client("af").get(_url(case, "case_detail")).content.decode()


# --- The form starts from the dossier -----------------------------------------------------------


def test_the_form_is_prefilled_from_the_dossier(cast):
    case = _dossier(cast)
    response = cast.client("af").get(_url(case))
    assert response.status_code == 200
    assert response.context["report"] is None
    initial = response.context["form"].initial
    # The signals' facts, oldest first, with the child's own words; the latest is the direct cause.
    assert FACTS_1 in initial["facts"] and FACTS_2 in initial["facts"]
    assert initial["facts"].index(FACTS_1) < initial["facts"].index(FACTS_2)
    assert CHILD_WORDS in initial["facts"]
    assert initial["direct_cause"] == FACTS_2
    # The household: the pupil with her age, and every member with name and relation.
    household = initial["household"]
    assert cast.pupil.full_name in household
    members = {member.name: member for member in case.pupil.household.all()}  # names are encrypted: not a filter
    with translation.override("nl"):
        mother = str(members["Els de Vries"].get_relation_display())
        father = str(members["Karel de Vries"].get_relation_display())
    assert f"Els de Vries ({mother}" in household
    assert f"Karel de Vries ({father}" in household
    # The weighing's factors and the consultations.
    assert initial["risk_factors"] == RISK
    assert initial["protective_factors"] == PROTECTIVE
    assert "GGD Zonnedal" in initial["help_contacts"]
    assert "Veilig Thuis regio" in initial["help_contacts"]
    assert cast.school_a.name in initial["relation_to_family"]
    # And the page shows it in the fields.
    content = response.content.decode()
    assert escape(FACTS_1) in content
    assert escape("Karel de Vries") in content


def test_the_prefilled_facts_are_the_corrected_text(cast):
    case = _dossier(cast)
    signal = next(s for s in case.signals.all() if s.facts == FACTS_1)
    services.amend_signal(
        cast.actor("teacher"), signal, reason="Precieser", facts="Een blauwe plek op de linkerbovenarm."
    )
    initial = cast.client("af").get(_url(case)).context["form"].initial
    assert "Een blauwe plek op de linkerbovenarm." in initial["facts"]
    assert FACTS_1 not in initial["facts"]


def test_the_page_warns_to_phone_urgent_reports_and_that_parents_may_read_it(cast):
    case = _dossier(cast)
    content = cast.client("af").get(_url(case)).content.decode()
    warning = re.search(r'<div class="utrecht-alert utrecht-alert--warning">(.*?)</div></div></div>', content, re.S)
    assert warning is not None
    paragraphs = re.findall(r'<p class="utrecht-paragraph">(.*?)</p>', warning.group(1), re.S)
    assert len(paragraphs) == 2
    assert "0800-2000" in paragraphs[0]
    assert "112" in paragraphs[0]
    assert "12" in paragraphs[1].replace("112", "")


# --- Saving the draft ---------------------------------------------------------------------------


def test_the_draft_is_saved(cast):
    case = _dossier(cast)
    response = cast.client("af").post(_url(case), report_data())
    assert response.status_code == 302
    assert response.url == _url(case)
    report = Report.objects.get()
    assert report.case == case
    assert report.recorded_by == cast.af
    assert report.facts == f"{FACTS_1}\n{FACTS_2}"
    assert report.expectations == "Onderzoek naar de veiligheid thuis."
    assert report.parents_informed is True
    assert report.parents_informed_how == "Gesprek met moeder op school."
    assert not report.is_made
    assert AuditEvent.objects.filter(action="case.report_draft", case=case, actor=cast.af).count() == 1
    # Non-sensitive metadata only in the audit log.
    assert AuditEvent.objects.get(action="case.report_draft").detail == {}


def test_saving_twice_updates_the_same_draft(cast):
    case = _dossier(cast)
    client = cast.client("af")
    client.post(_url(case), report_data())
    page = client.get(_url(case))
    assert page.context["form"].instance.pk == Report.objects.get().pk
    assert page.context["form"]["parents_informed"].value() == "yes"
    client.post(_url(case), report_data(expectations="Graag snel een veiligheidsbeoordeling."))
    report = Report.objects.get()
    assert report.expectations == "Graag snel een veiligheidsbeoordeling."
    assert AuditEvent.objects.filter(action="case.report_draft").count() == 2


def test_parents_not_informed_needs_a_reason(cast):
    case = _dossier(cast)
    client = cast.client("af")
    response = client.post(_url(case), report_data(parents_informed="no", parents_informed_how=""))
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["not_informed_reason"]
    assert not Report.objects.exists()
    response = client.post(
        _url(case),
        report_data(
            parents_informed="no",
            parents_informed_how="",
            not_informed_reason="child_safety",
            not_informed_explanation="Vader is gewelddadig.",
        ),
    )
    assert response.status_code == 302
    report = Report.objects.get()
    assert report.parents_informed is False
    assert report.not_informed_reason == "child_safety"
    assert report.not_informed_explanation == "Vader is gewelddadig."


def test_parents_informed_needs_how(cast):
    case = _dossier(cast)
    response = cast.client("af").post(_url(case), report_data(parents_informed_how=""))
    assert list(response.context["form"].errors) == ["parents_informed_how"]
    assert not Report.objects.exists()


@pytest.mark.parametrize("field", ["relation_to_family", "direct_cause", "facts", "household", "expectations"])
def test_the_required_parts_of_the_report(cast, field):
    case = _dossier(cast)
    response = cast.client("af").post(_url(case), report_data(**{field: ""}))
    assert field in response.context["form"].errors
    assert not Report.objects.exists()


# --- Recording the report as made ---------------------------------------------------------------


def test_recording_the_report_as_made(cast):
    case = _dossier(cast)
    client = cast.client("af")
    client.post(_url(case), report_data())
    page = client.get(_url(case))
    assert page.context["made_form"] is not None
    assert f'action="{_url(case, "report_made")}"' in page.content.decode()

    response = client.post(_url(case, "report_made"), _made(cast, made_by=cast.leader.pk))
    assert response.status_code == 302
    assert response.url == _url(case, "case_detail")
    report = Report.objects.get()
    assert report.is_made
    assert report.made_on == timezone.localdate()
    assert report.made_by == cast.leader
    assert report.vt_reference == "VT-2026-0042"
    event = AuditEvent.objects.get(action="case.report_made", case=case)
    assert event.actor == cast.af
    assert event.detail == {"made_by": str(cast.leader)}


def test_the_dossier_shows_the_report_as_made_and_next_closing(cast):
    case = _dossier(cast)
    client = cast.client("af")
    client.post(_url(case), report_data())
    client.post(_url(case, "report_made"), _made(cast))
    response = client.get(_url(case, "case_detail"))
    d = response.context["d"]
    assert d.report.is_made
    assert d.route.next_action == NextAction.CLOSE_CASE
    assert response.context["next_url"] == _url(case, "case_close")
    content = response.content.decode()
    assert "VT-2026-0042" in content
    assert escape(str(cast.af)) in content
    # The report page now shows the report as made, without a form to change it.
    page = client.get(_url(case))
    assert page.context["made_form"] is None
    assert "VT-2026-0042" in page.content.decode()
    assert f'action="{_url(case, "report_made")}"' not in page.content.decode()


def test_a_teacher_cannot_be_recorded_as_the_reporter(cast):
    case = _dossier(cast)
    client = cast.client("af")
    client.post(_url(case), report_data())
    response = client.post(_url(case, "report_made"), _made(cast, made_by=cast.teacher.pk, vt_reference="VT-77"))
    # The report page again, with the error beside the field and what was typed kept.
    assert response.status_code == 200
    assert any(str(cast.teacher) in m for m in response.context["made_form"].errors["made_by"])
    assert 'value="VT-77"' in response.content.decode()
    assert not Report.objects.get().is_made
    assert not AuditEvent.objects.filter(action="case.report_made").exists()


def test_a_report_made_in_the_future_is_refused(cast):
    case = _dossier(cast)
    client = cast.client("af")
    client.post(_url(case), report_data())
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    response = client.post(_url(case, "report_made"), _made(cast, made_on=tomorrow))
    assert response.status_code == 200
    assert response.context["made_form"].errors["made_on"]
    assert not Report.objects.get().is_made


def test_a_report_made_long_ago_is_recorded_once_the_date_is_confirmed(cast):
    case = _dossier(cast)
    client = cast.client("af")
    client.post(_url(case), report_data())
    long_ago = (timezone.localdate() - timedelta(days=800)).isoformat()
    response = client.post(_url(case, "report_made"), _made(cast, made_on=long_ago))
    assert response.status_code == 200
    assert 'type="checkbox" name="date_confirmed"' in response.content.decode()
    assert not Report.objects.get().is_made
    response = client.post(_url(case, "report_made"), _made(cast, made_on=long_ago, date_confirmed="on"))
    assert response.status_code == 302
    assert Report.objects.get().made_on.isoformat() == long_ago


def test_recording_as_made_before_a_draft_exists_is_refused(cast):
    case = _dossier(cast)
    client = cast.client("af")
    response = client.post(_url(case, "report_made"), _made(cast))
    assert response.url == _url(case)
    assert not Report.objects.exists()
    assert _messages(client, _url(case))


def test_a_report_is_recorded_as_made_once(cast):
    case = _dossier(cast)
    client = cast.client("af")
    client.post(_url(case), report_data())
    client.post(_url(case, "report_made"), _made(cast))
    client.post(_url(case, "report_made"), _made(cast, made_by=cast.leader.pk, vt_reference="VT-X"))
    report = Report.objects.get()
    assert (report.made_by, report.vt_reference) == (cast.af, "VT-2026-0042")
    assert AuditEvent.objects.filter(action="case.report_made").count() == 1


# --- The print version --------------------------------------------------------------------------


def test_the_print_page_renders_the_report(cast):
    case = _dossier(cast)
    client = cast.client("af")
    client.post(_url(case), report_data(not_informed_explanation=""))
    response = client.get(_url(case, "report_print"))
    assert response.status_code == 200
    assert response.context["report"] == Report.objects.get()
    content = response.content.decode()
    assert escape(cast.pupil.full_name) in content
    assert escape(FACTS_1) in content
    assert escape("Sanne, moeder Els, vader Karel.") in content
    assert escape("Onderzoek naar de veiligheid thuis.") in content
    assert escape(cast.school_a.name) in content
    client.post(_url(case, "report_made"), _made(cast))
    content = client.get(_url(case, "report_print")).content.decode()
    assert "VT-2026-0042" in content
    assert escape(str(cast.af)) in content


def test_the_print_page_without_a_report_goes_back_to_the_form(cast):
    case = _dossier(cast)
    response = cast.client("af").get(_url(case, "report_print"))
    assert response.status_code == 302
    assert response.url == _url(case)


def test_a_report_made_is_not_changed_by_posting_the_form_again(cast):
    # E.g. the back button and "save" again after recording it as made.
    case = _dossier(cast)
    client = cast.client("af")
    client.post(_url(case), report_data())
    client.post(_url(case, "report_made"), _made(cast))
    client.post(_url(case), report_data(facts="Iets heel anders."))
    # The dossier still shows the report that was made, not a new draft beside it.
    assert client.get(_url(case, "case_detail")).context["d"].report.is_made
    assert Report.objects.count() == 1
    report = Report.objects.get()
    assert report.is_made
    assert report.facts == f"{FACTS_1}\n{FACTS_2}"


def _report_again(cast):
    """A report made after "report and help"; later, question 5: the help does not work, so report again."""
    case = _dossier(cast, outcome="report_and_help")
    client = cast.client("af")
    client.post(_url(case), report_data())
    client.post(_url(case, "report_made"), _made(cast))
    services.decide(
        cast.actor("af"),
        case,
        answers={"suspicion": True, "unsafety": False, "can_help": True, "accepted": True, "effective": False},
        outcome="report",
        rationale="De hulp werkt niet: opnieuw melden.",
        decided_by=cast.af,
    )
    return case, client, Report.objects.get()


def test_after_a_new_decision_to_report_the_next_step_is_the_new_report(cast):
    case, client, _first = _report_again(cast)
    page = client.get(_url(case, "case_detail"))
    assert page.context["d"].route.next_action == NextAction.MAKE_REPORT
    assert page.context["next_url"] == _url(case)


def test_after_a_new_decision_to_report_the_report_page_offers_a_new_report(cast):
    case, client, _first = _report_again(cast)
    response = client.get(_url(case))
    current = response.context["report"]
    assert current is None or not current.is_made
    assert response.context["form"].instance.pk is None or not response.context["form"].instance.is_made


def test_a_new_report_after_a_new_decision_leaves_the_report_made_earlier_as_it_was(cast):
    case, client, first = _report_again(cast)
    response = client.post(_url(case), report_data(direct_cause="De hulp werkt niet."))
    assert response.status_code == 302
    assert Report.objects.count() == 2
    client.post(_url(case, "report_made"), _made(cast, vt_reference="VT-2026-0099"))
    first.refresh_from_db()
    assert (first.vt_reference, first.direct_cause) == ("VT-2026-0042", FACTS_2)
    second = Report.objects.exclude(pk=first.pk).get()
    assert (second.is_made, second.vt_reference, second.direct_cause) == (True, "VT-2026-0099", "De hulp werkt niet.")
    assert client.get(_url(case, "case_detail")).context["d"].report == second
