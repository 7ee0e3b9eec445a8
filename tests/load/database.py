"""The database side of the load test, run in a subprocess against the load database.

    python -m tests.load.database prepare PASSWORD     -> JSON: accounts and the high-water marks
    python -m tests.load.database marks                -> JSON: the high-water marks only
    python -m tests.load.database verify FILE           -> JSON: what was checked, and the problems

`prepare` gives every demo staff account of the seeded database a new password (production refuses
the published demo password, rightly) the way its owner would: through a one-time link
(haven.accounts.invitations). `verify` reads FILE (the marks from `prepare` and the writes that answered
success) and checks that each of those writes is in the database with its audit event, and that
no write since the marks is half-done: every new signal and consultation has exactly one audit
event, and every such audit event names an object that exists.

HAVEN_DATABASE_URL selects the database, as for Haven itself.
"""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haven.settings")
django.setup()

from django.db.models import Max  # noqa: E402
from django.test import override_settings  # noqa: E402

from haven.accounts import invitations  # noqa: E402
from haven.accounts.models import AccountLink, Membership, User  # noqa: E402
from haven.audit.models import AuditEvent  # noqa: E402
from haven.meldcode.models import Case, Consultation, Signal  # noqa: E402
from haven.tools import demo_data  # noqa: E402

TEACHING = ("teacher", "teaching_assistant")
LEADS = ("care_coordinator", "safeguarding_lead", "school_leader")
# The audit action of each kind of write the driver makes, and the model it creates.
WRITES = {"signal": ("signal.log", Signal), "consultation": ("case.consultation", Consultation)}


def prepare(password: str) -> dict:
    demo_usernames = {p.username for school in demo_data.SCHOOLS for p in (school.admin, *school.staff)}
    memberships = Membership.objects.filter(user__username__in=demo_usernames).select_related("user", "school")
    by_school: dict[int, list[Membership]] = {}
    for membership in memberships:
        by_school.setdefault(membership.school_id, []).append(membership)
    accounts = []
    for school_id, members in by_school.items():
        # The mails stay in memory: this command's stdout is its JSON answer.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            for membership in members:
                token = invitations.issue_link(membership.user, AccountLink.Purpose.RESET)
                invitations.set_password_with_link(token, password)
        has_open_cases = Case.objects.filter(school_id=school_id, status=Case.Status.OPEN).exists()
        for membership in members:
            if membership.role in TEACHING:
                accounts.append({"username": membership.user.username, "role": "teacher"})
            elif membership.role in LEADS and has_open_cases:
                accounts.append({"username": membership.user.username, "role": "lead"})
    return {"accounts": sorted(accounts, key=lambda a: a["username"]), "marks": marks()}


def marks() -> dict:
    return {
        "audit": AuditEvent.objects.aggregate(m=Max("sequence"))["m"] or 0,
        "signal": Signal.objects.aggregate(m=Max("id"))["m"] or 0,
        "consultation": Consultation.objects.aggregate(m=Max("id"))["m"] or 0,
    }


def verify(data: dict) -> dict:
    problems: list[str] = []
    since = data["marks"]
    users = dict(User.objects.values_list("username", "id"))

    def events(action: str, object_id: int) -> int:
        return AuditEvent.objects.filter(action=action, object_id=object_id, sequence__gt=since["audit"]).count()

    # 1. Every write that answered success is there, with its audit event.
    for write in data["writes"]:
        action, model = WRITES[write["kind"]]
        if write["kind"] == "signal":
            signal = Signal.objects.filter(pk=write["object_id"]).first()
            if signal is None:
                problems.append(f"signal {write['object_id']} answered success but is missing")
                continue
            if write["marker"] not in signal.facts or signal.author_id != users[write["username"]]:
                problems.append(f"signal {write['object_id']} is not the one {write['username']} wrote")
            object_id = signal.pk
        else:
            found = [
                c.pk
                for c in Consultation.objects.filter(case_id=write["case_id"], id__gt=since["consultation"])
                if write["marker"] in c.question
            ]
            if len(found) != 1:
                problems.append(f"consultation {write['marker']} in dossier {write['case_id']}: found {len(found)}")
                continue
            object_id = found[0]
        if (count := events(action, object_id)) != 1:
            problems.append(f"{write['kind']} {object_id}: {count} audit events instead of 1")

    # 2. Nothing half-done: every new row has its one event, every new event its row.
    created = {}
    for kind, (action, model) in WRITES.items():
        new_ids = set(model.objects.filter(id__gt=since[kind]).values_list("id", flat=True))
        created[kind] = len(new_ids)
        logged = list(
            AuditEvent.objects.filter(action=action, sequence__gt=since["audit"]).values_list("object_id", flat=True)
        )
        if missing := sorted(new_ids - set(logged)):
            problems.append(f"{kind} rows without their audit event: {missing[:10]}")
        if orphans := sorted(set(logged) - new_ids):
            problems.append(f"audit events {action} for {kind} rows that do not exist: {orphans[:10]}")
        if len(logged) != len(set(logged)):
            problems.append(f"{action}: an object with more than one event")
    answered = {kind: sum(w["kind"] == kind for w in data["writes"]) for kind in WRITES}
    return {"problems": problems, "created": created, "answered_success": answered}


def main(argv: list[str]) -> int:
    command, argument = argv[1], (argv[2] if len(argv) > 2 else "")
    if command == "prepare":
        result = prepare(argument)
    elif command == "marks":
        result = {"marks": marks()}
    elif command == "verify":
        with open(argument, encoding="utf-8") as file:
            result = verify(json.load(file))
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
