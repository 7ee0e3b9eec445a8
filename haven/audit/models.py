"""The audit log: one row per read or change of case data, append-only and hash-chained.

Rows are written only by `haven.audit.services.record_event`, which links each one to the one
before it (see `haven.audit.chain`, keyed by `haven.audit.keys`) while holding the lock on the
single `AuditChainHead` row. The `detail` is encrypted at rest (`haven.audit.sealing`) and
decrypted when a loaded event's `detail` is first read. The references to the actor, school,
pupil and case constrain nothing, so the log outlives the records it describes (dossiers are
destroyed after their retention term; their log stays).
"""

from collections.abc import Collection
from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.query_utils import DeferredAttribute
from django.utils.translation import gettext_lazy as _

from haven.audit.chain import GENESIS
from haven.audit.sealing import unseal


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("Audit events are append-only.")

    def delete(self) -> NoReturn:
        raise PermissionError("Audit events are append-only.")


class _Stored:
    """A detail as loaded, still sealed: most reads of events (the timeline, the access log, the
    last editor of a record) never look at it, so they neither pay for nor depend on decrypting it."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value


class _SealedDetail(DeferredAttribute):
    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, _Stored):
            value = instance.__dict__[self.field.attname] = unseal(value.value, instance.sequence)
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        # A data descriptor, so that reading goes through __get__ even when the value is loaded.
        instance.__dict__[self.field.attname] = value


class SealedDetailField(models.JSONField):
    """The stored detail is a ciphertext (see `haven.audit.sealing`): SQL cannot look inside it.

    Only `isnull` is left; a key or containment lookup fails loudly instead of matching nothing.
    `values()` and `values_list()` give the stored value; a model instance the decrypted one.
    """

    descriptor_class = _SealedDetail

    def get_lookup(self, lookup_name: str) -> Any:
        return super().get_lookup(lookup_name) if lookup_name == "isnull" else None

    def get_transform(self, name: str) -> Any:
        return None


def _reference(to: str, related_name: str = "+") -> models.ForeignKey:
    """A reference that outlives its target: no database constraint, nothing happens on delete."""
    return models.ForeignKey(to, null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name=related_name)


class AuditEvent(models.Model):
    """One read or change of case data. Append-only; the case timeline is read from these rows."""

    class Kind(models.TextChoices):
        READ = "read", _("Read")
        CHANGE = "change", _("Change")

    class Outcome(models.TextChoices):
        ALLOWED = "allowed", _("Allowed")
        DENIED = "denied", _("Denied")

    # The place in the chain: 1, 2, 3, ... without gaps (checked by `verify_audit`).
    sequence = models.BigIntegerField(unique=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    # Set by record_event (not auto_now_add): the value is part of the hashed content.
    at = models.DateTimeField(db_index=True)
    actor = _reference(settings.AUTH_USER_MODEL)
    role = models.CharField(max_length=32, blank=True)
    school = _reference("organisations.School")
    pupil = _reference("pupils.Pupil")
    case = _reference("meldcode.Case", related_name="audit_events")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.BigIntegerField(null=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, default=Outcome.ALLOWED)
    # Metadata only (choices, counts, names of staff), never narrative text; encrypted at rest.
    detail = SealedDetailField(default=dict, blank=True)
    source_address = models.GenericIPAddressField(null=True)
    session_key = models.CharField(max_length=64, blank=True)
    # The id of the audit key (HAVEN_AUDIT_KEYS) this event's hash was computed with.
    key_id = models.CharField(max_length=32)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["sequence"]
        indexes = [
            models.Index(fields=["case", "kind", "at"]),
            # "Who viewed this dossier": a case's events, newest first.
            models.Index(fields=["case", "sequence"], name="audit_event_case_seq_idx"),
            # The dossier's timeline also reads the events about its signals from before the case
            # existed (by object): without this, that OR scans the whole log, which grows forever.
            models.Index(fields=["object_type", "object_id"], name="audit_event_object_idx"),
        ]
        constraints = [models.CheckConstraint(condition=Q(sequence__gte=1), name="audit_event_sequence_positive")]

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("Audit events are append-only.")

    # The override differs from django-stubs 6.1, which describes Django 6 (fetch_mode); Django 5.2 has none.
    @classmethod
    def from_db(  # type: ignore[override]
        cls, db: str | None, field_names: Collection[str], values: Collection[Any]
    ) -> "AuditEvent":
        event = super().from_db(db, field_names, values)
        if isinstance(stored := event.__dict__.get("detail"), str):
            event.__dict__["detail"] = _Stored(stored)
        return event


class AuditChainHead(models.Model):
    """The end of the chain: one row (pk 1). Writers lock it, so the chain can never fork."""

    last_sequence = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="audit_chain_head_singleton")]

    def __str__(self) -> str:
        return f"{self.last_sequence}:{self.last_hash}"
