"""How audit events read on a dossier's timeline."""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "signal.log": _("Signal logged"),
    "signal.amend": _("Signal corrected"),
    "signal.attach": _("Signal added to the dossier"),
    "signal.request_look_along": _("Asked the IB/AF to look along"),
    "signal.pick_up_look_along": _("Request to look along picked up"),
    "case.open": _("Dossier opened"),
    "case.consultation": _("Consultation recorded"),
    "case.conversation": _("Conversation recorded"),
    "case.skip_conversation": _("Conversation skipped, with reason"),
    "case.weighing": _("Weighing recorded"),
    "case.acute": _("Acute situation: steps skipped"),
    "case.decision": _("Decision recorded"),
    "case.report_draft": _("Report to Veilig Thuis prepared"),
    "case.report_made": _("Report to Veilig Thuis made"),
    "case.close": _("Dossier closed"),
    "case.reopen": _("Dossier reopened"),
    "case.add_member": _("Member added"),
    "case.remove_member": _("Member removed"),
    "case.change_lead": _("Case lead changed"),
}


def label(action: str) -> str:
    return str(LABELS.get(action, action))
