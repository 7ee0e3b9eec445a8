"""Encrypt at rest, bound to column and row (haven.infrastructure.encryption, format enc2): where a planned
conversation takes place (`enc1` before).

The AlterFields make the columns `text` (a ciphertext is neither a boolean, a number nor short);
the RunPython then rewrites every existing value through the raw cursor (the historical models
would try to open the old values), skipping values already row-bound, so a second run changes
nothing. Reversing it writes the values back as the columns held them before.
"""

from django.db import migrations

from haven.infrastructure.encryption import seal_existing, unseal_existing

# The encrypted columns as of this migration (model name: field names).
FIELDS = {
    "plannedconversation": ["location"],
}
# Those encrypted before, bound to their column only (enc1).
COLUMN_BOUND = {"plannedconversation.location"}


def seal(apps, schema_editor):
    seal_existing(apps, schema_editor, "signalling", FIELDS)


def unseal(apps, schema_editor):
    unseal_existing(apps, schema_editor, "signalling", FIELDS, COLUMN_BOUND)


class Migration(migrations.Migration):
    dependencies = [
        ("signalling", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seal, unseal, elidable=False),
    ]
