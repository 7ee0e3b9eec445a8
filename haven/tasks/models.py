"""What Haven remembers about reminders: which task keys a person has been reminded of.

A row per (person, task key), written in the same transaction as the e-mail is sent
(`haven.tasks.reminders`), so a task is mentioned in at most one reminder, however often the job
runs. The key holds no case content (e.g. "look_along:12", "inactive:7:2026-W14").
"""

from django.conf import settings
from django.db import models


class ReminderSent(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    task_key = models.CharField(max_length=200)
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "task_key"], name="one_reminder_per_task_and_user")]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.task_key}"
