from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from haven.access.policy import has_permission
from haven.accounts.models import ROLE_LABELS

# (url name, label, permission): the navigation shows only what the actor may open.
NAVIGATION = [
    ("home", _("Overview"), "dashboard.view"),
    ("tasks:mine", _("My tasks"), "tasks.view"),
    ("meldcode:signal_create", _("Log a signal"), "signal.create"),
    ("meldcode:signal_list", _("My signals"), "signal.list_own"),
    ("meldcode:inbox", _("Inbox"), "inbox.view"),
    ("meldcode:case_list", _("Dossiers"), "case.list"),
    ("meldcode:advice_request_list", _("Advice requests"), "advice_request.record"),
    ("school:pupil_list", _("Pupils"), "school.manage"),
    ("school:group_list", _("Groups"), "school.manage"),
    ("school:staff_list", _("Staff"), "school.manage"),
    ("school:protocol", _("Protocol"), "protocol.manage"),
    ("lockouts:list", _("Sign-in locks"), "account.unlock"),
    ("insights:overview", _("Insights"), "insights.view"),
]


def navigation(request: HttpRequest) -> dict[str, object]:
    actor = getattr(request, "actor", None)
    if actor is None:
        return {"nav_items": [], "current_school": None}
    path = request.path
    items = [
        {"url": reverse(name), "label": label, "active": False}
        for name, label, permission in NAVIGATION
        if has_permission(actor, permission)
    ]
    # The most specific item containing this page is current ("/signalen/nieuw/" is not "My signals").
    matches = [item for item in items if path.startswith(item["url"]) and (item["url"] != "/" or path == "/")]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    membership = getattr(request, "membership", None)
    return {
        "nav_items": items,
        "current_school": membership.school if membership else None,
        "current_role": ROLE_LABELS.get(actor.role, "") if actor.role else "",
    }
