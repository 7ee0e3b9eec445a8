"""A refused permission is recorded with the permission as its action (`haven.access.decorators`).

The permissions that share their name with an action another app records (`case.view`,
`handover.import`, ...) are labelled there; the others are declared here, so every refusal has a
label (a test checks `PERMISSIONS` against the lookup).
"""

from django.utils.translation import gettext_lazy as _

from haven.audit.actions import AuditActions


class PermissionAction(AuditActions):
    STAFF_APPROVE_ROLE = "staff.approve_role", _("Permission: approve roles")
    HANDOVER_EXPORT = "handover.export", _("Permission: make a handover package")
    CASE_FOLLOW_UP = "case.follow_up", _("Permission: follow up a report")
    SUPPORT_TASK_COMPLETE = "support_task.complete", _("Permission: complete a support task")
    REFERRAL_INDEX_RECORD = "referral_index.record", _("Permission: record in the verwijsindex")
    TASKS_VIEW = "tasks.view", _("Permission: view my tasks")
    ACCOUNT_MANAGE = "account.manage", _("Permission: manage one's own account")
    ACCOUNT_UNLOCK = "account.unlock", _("Permission: lift a sign-in lock")
    DASHBOARD_VIEW = "dashboard.view", _("Permission: view the overview")
    PUPIL_SEARCH = "pupil.search", _("Permission: search pupils")
    SIGNAL_CREATE = "signal.create", _("Permission: log a signal")
    SIGNAL_LIST_OWN = "signal.list_own", _("Permission: view one's own signals")
    INBOX_VIEW = "inbox.view", _("Permission: view the new signals")
    SIGNAL_TRIAGE = "signal.triage", _("Permission: handle new signals")
    LOOK_ALONG_PICK_UP = "look_along.pick_up", _("Permission: pick up a request to look along")
    CASE_LIST = "case.list", _("Permission: view the dossiers")
    CASE_RECORD = "case.record", _("Permission: record in a dossier")
    CASE_WEIGH = "case.weigh", _("Permission: weigh")
    CASE_DECIDE = "case.decide", _("Permission: decide")
    CASE_REPORT = "case.report", _("Permission: report to Veilig Thuis")
    CASE_MANAGE_MEMBERS = "case.manage_members", _("Permission: manage a dossier's members")
    SCHOOL_MANAGE = "school.manage", _("Permission: manage the school")
    PROTOCOL_MANAGE = "protocol.manage", _("Permission: change the school's protocol")
