"""PDF exports: the dossier chronology, the report to Veilig Thuis and the conversation report.

Each is a PDF made from an HTML template by WeasyPrint. The tests read the PDF back as text
(pdftotext) and check what a reader needs on paper: the facts, the school, the confidentiality
mark and the page numbering on every page; and what the system owes: a download no cache
keeps, a file name without the pupil's name, one audited read event, nothing for those who may
not read the dossier. Set HAVEN_KEEP_PDFS to a folder to keep the PDFs for looking at them.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from haven.audit.models import AuditEvent
from tests.builders import CORRECTED, INTERPRETATION
from tests.support import pdf_text

FACT = "Komt voor de derde keer deze week zonder ontbijt en zonder jas naar school."


def pages(text: str) -> list[str]:
    return [page for page in text.split("\f") if page.strip()]


def _get(cast, who, url):
    return cast.client(who).get(url)


def test_the_chronology_holds_everything_in_date_order_on_numbered_confidential_pages(cast, dossier, tmp_path):
    case, _conversation = dossier
    response = _get(cast, "teacher", reverse("documents:chronology", args=[case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="dossier-{case.pk}-chronologie.pdf"'
    assert "no-store" in response["Cache-Control"]
    assert "Sanne" not in response["Content-Disposition"]
    text = pdf_text(response.content, tmp_path, "chronologie.pdf")
    flat = " ".join(text.split())
    every_page = pages(text)
    assert len(every_page) >= 2
    for number, page in enumerate(every_page, start=1):
        assert "OBS De Regenboog" in page
        assert "Vertrouwelijk" in page
        assert f"Pagina {number} van {len(every_page)}" in page
    # The current text of the corrected signal, with the correction noted, and the interpretation apart.
    assert CORRECTED in flat
    assert FACT not in flat
    assert "Dagen precies genoemd." in flat
    assert "Interpretatie (geen feit)" in flat
    assert "Sanne de Vries" in flat
    # In the order in which things happened: the older long signal before the consultation, etc.
    order = [
        flat.index("Sanne zat de hele ochtend"),
        flat.index("Hoe wegen wij dit?"),
        flat.index("Moeder vertelt dat het thuis druk is"),
        flat.index(CORRECTED),
        flat.index("Structurele verwaarlozing."),
        flat.index("VT-2027-118"),
    ]
    assert order == sorted(order)
    assert "Regiehouder" in flat  # the members, with the case lead marked


def test_reading_an_export_is_one_audited_read(cast, dossier):
    case, conversation = dossier
    before = AuditEvent.objects.count()
    cast.client("af").get(reverse("documents:chronology", args=[case.pk]))
    cast.client("af").get(reverse("documents:report", args=[case.pk]))
    cast.client("teacher").get(reverse("documents:conversation", args=[conversation.pk]))
    events = list(AuditEvent.objects.filter(sequence__gt=before, kind="read").order_by("sequence"))
    assert [(e.action, e.kind, e.case_id, e.pupil_id, e.outcome) for e in events] == [
        ("document.chronology", "read", case.pk, cast.pupil.pk, "allowed"),
        ("document.report", "read", case.pk, cast.pupil.pk, "allowed"),
        ("document.conversation", "read", case.pk, cast.pupil.pk, "allowed"),
    ]
    assert events[2].object_type == "conversation" and events[2].object_id == conversation.pk
    assert events[0].actor_id == cast.af.pk and events[2].actor_id == cast.teacher.pk


def test_the_report_to_veilig_thuis(cast, dossier, tmp_path):
    case, _conversation = dossier
    response = _get(cast, "af", reverse("documents:report", args=[case.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="dossier-{case.pk}-melding-veilig-thuis.pdf"'
    flat = " ".join(pdf_text(response.content, tmp_path, "melding.pdf").split())
    for expected in (CORRECTED, "OBS De Regenboog", "Vertrouwelijk", "Pagina 1 van", "VT-2027-118", "Sanne de Vries"):
        assert expected in flat, expected
    assert INTERPRETATION in flat


def test_the_conversation_report_has_a_signature_block_for_the_parents(cast, dossier, tmp_path):
    case, conversation = dossier
    response = _get(cast, "teacher", reverse("documents:conversation", args=[conversation.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="dossier-{case.pk}-gespreksverslag-{conversation.pk}.pdf"'
    )
    text = pdf_text(response.content, tmp_path, "gespreksverslag.pdf")
    flat = " ".join(text.split())
    assert "Moeder vertelt dat het thuis druk is sinds de verhuizing." in flat
    assert "OBS De Regenboog" in flat and "Vertrouwelijk" in flat and "Pagina 1 van" in flat
    # The signature block (in the active language: these words are new to the Dutch catalogue).
    for word in (_("Signature of the parents"), _("Agreed"), _("Seen, not agreed"), _("Signature"), _("Date")):
        assert word in flat, word
    # Only this conversation: not the signals or the decision.
    assert CORRECTED not in flat and "Structurele verwaarlozing." not in flat


def test_a_report_pdf_without_a_report_sends_back_to_the_form(cast):
    case = cast.case()
    response = cast.client("af").get(reverse("documents:report", args=[case.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("meldcode:report_edit", args=[case.pk])


def test_outside_ones_scope_the_exports_do_not_exist_and_the_attempt_is_logged(cast, dossier):
    case, conversation = dossier
    for url in (
        reverse("documents:chronology", args=[case.pk]),
        reverse("documents:conversation", args=[conversation.pk]),
    ):
        assert cast.client("teacher2").get(url).status_code == 404
        assert cast.client("af_b").get(url).status_code == 404
    denied = AuditEvent.objects.filter(outcome="denied", case=case)
    assert {e.action for e in denied} == {"case.view", "document.conversation"}
    assert cast.client("teacher").get(reverse("documents:report", args=[case.pk])).status_code == 403
    assert not AuditEvent.objects.filter(action__startswith="document.", outcome="allowed").exists()


def test_the_dossier_page_and_the_report_page_link_to_the_pdfs(cast, dossier):
    case, conversation = dossier
    page = cast.client("af").get(reverse("meldcode:case_detail", args=[case.pk])).content.decode()
    assert reverse("documents:chronology", args=[case.pk]) in page
    assert reverse("documents:conversation", args=[conversation.pk]) in page
    page = cast.client("af").get(reverse("meldcode:report_edit", args=[case.pk])).content.decode()
    assert reverse("documents:report", args=[case.pk]) in page
