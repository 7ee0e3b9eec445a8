from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from haven.access.labels import ROLE_LABELS
from haven.access.policy import has_permission

# The pages about one signal, where the IB and the AF triage what came into the inbox.
SIGNAL_PAGES = (
    "meldcode:signal_detail",
    "meldcode:signal_amend",
    "meldcode:signal_open_case",
    "meldcode:signal_attach",
    "meldcode:signal_note",
    "meldcode:look_along_pick_up",
    "external_signals:police_notice",
)
# Pages about a dossier whose address is not under /dossiers/: its reports, help, documents, handover.
CASE_PAGES = (
    "followup:*",
    "external_signals:support_task",
    "meldcode:conversation_plan_cancel",
    "documents:*",
    "handover:package_detail",
    "handover:package_import",
    "handover:import_confirm",
    "disclosure:*",
)

# (url name, label, permission, the pages it also stands for): the navigation shows only what the
# actor may open. Which item is current is decided by the address the user is on, in this order:
#   1. the item whose own address it is;
#   2. the first item that names the page (its URL name, or "namespace:*") among the pages it stands for;
#   3. the item whose address is the longest start of it ("/dossiers/12/wegen/" is under "Dossiers").
# So the AF on a colleague's signal (/signalen/12/) is in the Inbox, not in "My signals", while a
# teacher, who has no inbox and sees only her own signals, is in "My signals" there.
NAVIGATION = [
    ("home", _("Overview"), "dashboard.view", ()),
    ("tasks:mine", _("My tasks"), "tasks.view", ()),
    ("meldcode:signal_create", _("Log a signal"), "signal.create", ()),
    ("meldcode:signal_list", _("My signals"), "signal.list_own", ()),
    ("meldcode:inbox", _("Inbox"), "inbox.view", SIGNAL_PAGES),
    ("meldcode:case_list", _("Dossiers"), "case.list", CASE_PAGES),
    (
        "meldcode:advice_request_list",
        _("Advice requests"),
        "advice_request.record",
        ("external_signals:referral_index_*",),
    ),
    ("organisations:pupil_list", _("Pupils"), "school.manage", ("pupils:siblings",)),
    ("organisations:group_list", _("Groups"), "school.manage", ()),
    ("organisations:staff_list", _("Staff"), "school.manage", ()),
    ("organisations:protocol", _("Protocol"), "protocol.manage", ()),
    ("lockouts:list", _("Sign-in locks"), "account.unlock", ()),
    ("insights:overview", _("Insights"), "insights.view", ()),
    ("api_keys:list", _("API keys"), "api.manage_keys", ("api:docs",)),
]


def _names_page(patterns: tuple[str, ...], view_name: str) -> bool:
    return any(view_name == p or (p.endswith("*") and view_name.startswith(p[:-1])) for p in patterns)


def current_item(path: str, view_name: str, items: list[tuple[str, tuple[str, ...]]]) -> int | None:
    """The index of the current menu item among (url, pages it stands for), or None (see NAVIGATION)."""
    for index, (url, _pages) in enumerate(items):
        if path == url:
            return index
    for index, (_url, pages) in enumerate(items):
        if view_name and _names_page(pages, view_name):
            return index
    under = [(len(url), -index) for index, (url, _pages) in enumerate(items) if url != "/" and path.startswith(url)]
    return -max(under)[1] if under else None


def navigation(request: HttpRequest) -> dict[str, object]:
    actor = getattr(request, "actor", None)
    if actor is None:
        return {"nav_items": [], "current_school": None}
    shown = [
        (reverse(name), label, pages)
        for name, label, permission, pages in NAVIGATION
        if has_permission(actor, permission)
    ]
    match = getattr(request, "resolver_match", None)
    current = current_item(
        request.path, match.view_name if match else "", [(url, pages) for url, _label, pages in shown]
    )
    items = [
        {"url": url, "label": label, "active": index == current} for index, (url, label, _pages) in enumerate(shown)
    ]
    membership = getattr(request, "membership", None)
    return {
        "nav_items": items,
        "current_school": membership.school if membership else None,
        "current_role": ROLE_LABELS.get(actor.role, "") if actor.role else "",
    }
