"""`python manage.py rotate_encryption_key`: re-encrypt every value under the active key."""

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import models, transaction
from django.db.models import Case, Value, When

from haven.audit.audit_actions import AuditLogAction
from haven.audit.services import record_event
from haven.infrastructure.encryption import (
    Ciphertext,
    EncryptedField,
    Sealed,
    current_keyring,
    encrypted_fields_of,
    key_id_of,
    rotate_secrets,
)


def encrypted_fields() -> dict[type[models.Model], list[EncryptedField]]:
    """Every model with encrypted columns, and those columns (each bound to its column and row)."""
    found: dict[type[models.Model], list[EncryptedField]] = {}
    for model in apps.get_models():
        fields = encrypted_fields_of(model)
        if fields:
            found[model] = fields
    return found


def _stale(value: Any, active: str) -> bool:
    return isinstance(value, Sealed) and key_id_of(value.raw) not in (None, active)


def rotate(batch_size: int = 500) -> dict[str, int]:
    """Re-encrypt, model by model in batches, the values not under the active key; counts per model.

    The stored values are read as they are (`values_list` yields them sealed), opened with their
    row's key and sealed again for the same row under the active key: no instance is saved, so
    nothing else about the rows changes.
    """
    active = current_keyring().active_id
    counts: dict[str, int] = {}
    for model, fields in encrypted_fields().items():
        names = [f.attname for f in fields]
        rows = model._base_manager.order_by("pk").values_list("pk", *names)
        count, last_pk = 0, None
        while True:
            batch = list((rows if last_pk is None else rows.filter(pk__gt=last_pk))[:batch_size])
            if not batch:
                break
            last_pk = batch[-1][0]
            for index, field in enumerate(fields, start=1):
                stale = [(row[0], row[index]) for row in batch if _stale(row[index], active)]
                if not stale:
                    continue
                resealed = [
                    When(pk=pk, then=Value(Ciphertext(field.seal(field.open(v.raw, pk), pk)), output_field=field))
                    for pk, v in stale
                ]
                model._base_manager.filter(pk__in=[pk for pk, _v in stale]).update(
                    **{field.attname: Case(*resealed, output_field=field)}
                )
                count += len(stale)
        counts[model._meta.label_lower] = count
    return counts


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value that is not under the active key (the first key in "
        "HAVEN_ENCRYPTION_KEYS), and record one audit event. Idempotent: a second run re-encrypts 0. "
        "To rotate a key: (1) generate a new key, e.g. "
        '`python -c "from haven.infrastructure.encryption import generate_key; print(generate_key())"`; '
        "(2) PREPEND it with a new id to HAVEN_ENCRYPTION_KEYS (new,old: the new key encrypts, the old "
        "one still decrypts) and restart every app process; (3) run this command; (4) keep the old key "
        "in HAVEN_ENCRYPTION_KEYS after the new one, decrypt-only, as long as the audit log is kept: the "
        "details of audit events sealed with it cannot be re-encrypted (the log is append-only). Backups "
        "made before step 3 need it too."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=500, help="Rows per batch (default 500).")

    def handle(self, *args: Any, **options: Any) -> None:
        active = current_keyring().active_id
        with transaction.atomic():
            counts = rotate(batch_size=options["batch_size"])
            secrets = rotate_secrets()
            total = sum(counts.values()) + sum(secrets.values())
            record_event(
                None,
                AuditLogAction.ENCRYPTION_ROTATE,
                detail={"active_key": active, "counts": counts, "secrets": secrets, "total": total},
            )
        for label, count in {**counts, **secrets}.items():
            self.stdout.write(f"{label}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {total} values under key {active!r}."))
