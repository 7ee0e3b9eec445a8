"""Labels of audit actions for the access log: the route's own labels, plus reads and other verbs."""

from django.utils.translation import gettext_lazy as _

from haven.meldcode import labels

# Reads are not on the dossier's timeline, so `haven.meldcode.labels` does not name them.
READ_LABELS = {
    "case.view": _("Viewed the dossier"),
    "signal.view": _("Viewed a signal"),
    "case.view_access_log": _("Viewed who viewed the dossier"),
}


def label(action: str) -> str:
    if action in READ_LABELS:
        return str(READ_LABELS[action])
    return labels.label(action)
