"""`python manage.py send_reminders`: e-mail everyone with a new task due, once per task.

Run it from a scheduler (a systemd timer or cron; see docs/operations.md), e.g. every weekday at
07:30. It is idempotent: a task is mentioned in one mail at most, so running it twice (or
twice at the same time) sends nothing more. It prints how many mails it sent; when some could not
be sent it exits non-zero, and the next run retries exactly those people.
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from haven.tasks.reminders import send_reminders


class Command(BaseCommand):
    help = "Send one reminder e-mail (no case content) to each person with a new task due today or overdue."

    def handle(self, *args: Any, **options: Any) -> None:
        result = send_reminders()
        self.stdout.write(f"Reminders sent: {result.mails} mails, covering {result.tasks} tasks")
        if result.failed:
            raise CommandError(
                f"Could not send {len(result.failed)} reminder(s) (mail server refused or unreachable); "
                "nothing was recorded for them, the next run tries again."
            )
