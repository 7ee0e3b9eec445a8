"""Labels of audit actions for the access log: the route's own labels, plus reads and other verbs."""

from django.utils.translation import gettext_lazy as _

from haven.meldcode import labels

# Actions that are not on the dossier's timeline (reads, and the denials `@requires` records
# under the permission's name), so `haven.meldcode.labels` does not name them.
READ_LABELS = {
    "case.view": _("Viewed the dossier"),
    "signal.view": _("Viewed a signal"),
    "case.view_access_log": _("Viewed who viewed the dossier"),
    "case.record": _("Opened a form to record a step"),
    "case.weigh": _("Opened the weighing"),
    "case.decide": _("Opened the decision"),
    "case.report": _("Opened the report to Veilig Thuis"),
    "case.close": _("Opened closing the dossier"),
    "case.manage_members": _("Changed the members"),
}


def label(action: str) -> str:
    if action in READ_LABELS:
        return str(READ_LABELS[action])
    return labels.label(action)
