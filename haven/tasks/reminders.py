"""Reminder e-mails: "there is something for you in Haven", and a link. Never what it is.

`send_reminders(today)` is the one write of this app (the management command `send_reminders`
calls it; a scheduler runs that, see docs/operations.md). For every active staff member with an
e-mail address, it gathers their tasks from the registry (as each of their school memberships:
`haven.access.middleware.actor_for`) and keeps those due today or overdue that they were never
reminded of. Whoever has any gets ONE mail. The `ReminderSent` rows for the tasks it covers are
written in the same transaction as the mail is handed to the mail server: when sending fails the
rows roll back and the next run tries again; when it succeeds, no later run mentions those tasks
again, however often the job runs.

The mail holds no case content: no pupil, no dossier, no task title, no count, only a greeting,
the sentence that something is waiting, and the absolute link to "My tasks".
"""

import contextlib
import logging
import smtplib
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from haven.access.middleware import actor_for
from haven.access.policy import has_permission
from haven.access.roles import STAFF_ROLES
from haven.accounts.models import User
from haven.audit.models import AuditEvent
from haven.audit.services import record_event
from haven.tasks.audit_actions import TaskAction
from haven.tasks.models import ReminderSent
from haven.tasks.registry import is_due, tasks_for

logger = logging.getLogger(__name__)

# Reminder mails are Dutch, whatever language the job runs in.
MAIL_LANGUAGE = "nl"


@dataclass
class RunResult:
    mails: int = 0
    tasks: int = 0
    # Users whose mail could not be sent (nothing recorded for them; the next run retries).
    failed: list[int] = field(default_factory=list)


def recipients() -> list[User]:
    """Active staff (a staff role in at least one school) with an e-mail address."""
    return list(
        User.objects.filter(is_active=True, memberships__role__in=[r.value for r in STAFF_ROLES])
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def due_task_keys(user: User, today: date) -> set[str]:
    """Keys of this person's tasks that are due today or overdue, in every school where they are staff."""
    keys: set[str] = set()
    school_ids = user.memberships.filter(role__in=[r.value for r in STAFF_ROLES]).values_list("school_id", flat=True)
    for school_id in school_ids:
        actor, _membership = actor_for(user, school_id)
        if actor is None or not has_permission(actor, "tasks.view"):
            continue
        keys.update(task.key for task in tasks_for(actor, today) if is_due(task, today))
    return keys


def tasks_url() -> str:
    return settings.HAVEN_BASE_URL.rstrip("/") + reverse("tasks:mine")


def build_message(user: User) -> EmailMessage:
    with translation.override(MAIL_LANGUAGE):
        subject = _("There is something for you in Haven")
        body = render_to_string(
            "tasks/reminder_email.txt", {"name": user.first_name or user.get_username(), "url": tasks_url()}
        )
    return EmailMessage(subject=subject, body=body, to=[user.email])


def _close(connection: BaseEmailBackend) -> None:
    with contextlib.suppress(smtplib.SMTPException, OSError):
        connection.close()


def send_reminders(today: date | None = None) -> RunResult:
    today = today or timezone.localdate()
    result = RunResult()
    connection = get_connection()
    try:
        for user in recipients():
            due = due_task_keys(user, today)
            if not due:
                continue
            already = set(ReminderSent.objects.filter(user=user, task_key__in=due).values_list("task_key", flat=True))
            new_keys = sorted(due - already)
            if not new_keys:
                continue
            try:
                with transaction.atomic():
                    now = timezone.now()
                    ReminderSent.objects.bulk_create(
                        [ReminderSent(user=user, task_key=key, sent_at=now) for key in new_keys]
                    )
                    # Last in the transaction: if the mail server refuses, the rows above roll back.
                    if connection.send_messages([build_message(user)]) != 1:
                        raise smtplib.SMTPException("the mail was not sent")
            except IntegrityError:
                # A run in parallel recorded (and sent) these first: the unique key lets one mail through.
                continue
            except (smtplib.SMTPException, OSError):
                # This person is retried on the next run; the others still get theirs.
                logger.exception("Reminder to user %s could not be sent", user.pk)
                result.failed.append(user.pk)
                _close(connection)  # a broken connection is opened afresh for the next mail
                continue
            result.mails += 1
            result.tasks += len(new_keys)
    finally:
        _close(connection)
    record_event(
        None,
        TaskAction.REMINDERS_SENT,
        kind=AuditEvent.Kind.CHANGE,
        detail={"mails": result.mails, "tasks": result.tasks, "failed": len(result.failed)},
    )
    return result
