"""`python manage.py rotate_encryption_key`: re-encrypt every value under the active key."""

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import models, transaction
from django.db.models.functions import Cast

from haven.audit.services import record_event
from haven.core.encryption import EncryptedTextField, current_keyring, key_id_of

RAW = "_raw_"


def encrypted_fields() -> dict[type[models.Model], list[EncryptedTextField]]:
    """Every model with encrypted columns, and those columns."""
    found: dict[type[models.Model], list[EncryptedTextField]] = {}
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            found[model] = fields
    return found


def rotate(batch_size: int = 500) -> dict[str, int]:
    """Re-encrypt, model by model in batches, the values not under the active key; counts per model."""
    active = current_keyring().active_id
    counts: dict[str, int] = {}
    for model, fields in encrypted_fields().items():
        names = [f.name for f in fields]
        # The raw column next to the decrypted value: Cast to a plain text field skips decryption.
        raw = {RAW + name: Cast(name, output_field=models.TextField()) for name in names}
        stale = models.Q()
        for name in names:
            stale |= models.Q(**{f"{RAW}{name}__startswith": "enc1:"}) & ~models.Q(
                **{f"{RAW}{name}__startswith": f"enc1:{active}:"}
            )
        queryset = model._default_manager.only("pk", *names).annotate(**raw).filter(stale).order_by("pk")
        count, last_pk = 0, None
        while True:
            batch = list((queryset if last_pk is None else queryset.filter(pk__gt=last_pk))[:batch_size])
            if not batch:
                break
            last_pk = batch[-1].pk
            for name in names:
                # The instances hold the plain text; saving them encrypts it under the active key.
                objs = [obj for obj in batch if key_id_of(getattr(obj, RAW + name) or "") not in (None, active)]
                if objs:
                    model._default_manager.bulk_update(objs, [name])
                    count += len(objs)
        counts[model._meta.label_lower] = count
    return counts


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted value that is not under the active key (the first key in "
        "HAVEN_ENCRYPTION_KEYS), and record one audit event. Idempotent: a second run re-encrypts 0. "
        "To rotate a key: (1) generate a new key, e.g. "
        '`python -c "from haven.core.encryption import generate_key; print(generate_key())"`; '
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
            total = sum(counts.values())
            record_event(None, "encryption.rotate", detail={"active_key": active, "counts": counts, "total": total})
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted {total} values under key {active!r}."))
