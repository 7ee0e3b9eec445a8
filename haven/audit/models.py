from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("Audit events are append-only.")

    def delete(self):  # type: ignore[no-untyped-def]
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One read or change of case data. Append-only; the case timeline is read from these rows."""

    class Kind(models.TextChoices):
        READ = "read", _("Read")
        CHANGE = "change", _("Change")

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", _("Allowed")
        DENIED = "denied", _("Denied")

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=32, blank=True)
    school = models.ForeignKey("organisations.School", null=True, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("pupils.Pupil", null=True, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("meldcode.Case", null=True, on_delete=models.PROTECT, related_name="audit_events")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.BigIntegerField(null=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.ALLOWED)
    # Non-sensitive metadata only (choices, counts, names of staff): never narrative text.
    detail = models.JSONField(default=dict, blank=True)
    source_address = models.GenericIPAddressField(null=True)
    session_key = models.CharField(max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "kind", "at"])]

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        raise PermissionError("Audit events are append-only.")
