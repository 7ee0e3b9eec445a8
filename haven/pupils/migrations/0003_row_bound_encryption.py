"""Encrypt at rest, bound to column and row (haven.infrastructure.encryption, format enc2): the names of the
household members.

The AlterFields make the columns `text` (a ciphertext is neither a boolean, a number nor short);
the RunPython then rewrites every existing value through the raw cursor (the historical models
would try to open the old values), skipping values already row-bound, so a second run changes
nothing. Reversing it writes the values back as the columns held them before.
"""

import haven.infrastructure.encryption
from django.db import migrations

from haven.infrastructure.encryption import seal_existing, unseal_existing

# The encrypted columns as of this migration (model name: field names).
FIELDS = {
    "householdmember": ["name"],
}
COLUMN_BOUND: set[str] = set()  # none of these was encrypted before


def seal(apps, schema_editor):
    seal_existing(apps, schema_editor, "pupils", FIELDS)


def unseal(apps, schema_editor):
    unseal_existing(apps, schema_editor, "pupils", FIELDS, COLUMN_BOUND)


class Migration(migrations.Migration):
    dependencies = [
        ("pupils", "0002_edit_version"),
    ]

    operations = [
        migrations.AlterField(
            model_name="householdmember",
            name="name",
            field=haven.infrastructure.encryption.EncryptedTextField(max_length=200, verbose_name="name"),
        ),
        migrations.RunPython(seal, unseal, elidable=False),
    ]
