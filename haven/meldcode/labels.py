"""Short Dutch labels for the route's next actions (audit actions have theirs in `audit_actions.py`)."""

from django.utils.translation import gettext_lazy as _

from haven.meldcode.workflow import NextAction

NEXT_ACTION_LABELS = {
    NextAction.ADD_SIGNAL: _("Log signals"),
    NextAction.RECORD_CONSULTATION: _("Consult"),
    NextAction.RECORD_CONVERSATION: _("Talk with parents and pupil"),
    NextAction.RECORD_WEIGHING: _("Weigh"),
    NextAction.RECORD_DECISION: _("Decide"),
    NextAction.PHONE_AND_REPORT: _("Phone Veilig Thuis now"),
    NextAction.MAKE_REPORT: _("Make the report"),
    NextAction.FOLLOW_HELP: _("Follow the help (question 5)"),
    NextAction.CLOSE_CASE: _("Close with a reason"),
    NextAction.REOPEN_IF_NEEDED: _("Closed"),
}
