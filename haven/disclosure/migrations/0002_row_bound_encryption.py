"""Encrypt at rest, bound to column and row (haven.infrastructure.encryption, format enc2): why items of a
parents' access export were withheld.

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
    "disclosure": ["withheld", "reporter_reason"],
}
COLUMN_BOUND: set[str] = set()  # none of these was encrypted before


def seal(apps, schema_editor):
    seal_existing(apps, schema_editor, "disclosure", FIELDS)


def unseal(apps, schema_editor):
    unseal_existing(apps, schema_editor, "disclosure", FIELDS, COLUMN_BOUND)


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="disclosure",
            name="reporter_reason",
            field=haven.infrastructure.encryption.EncryptedTextField(blank=True, verbose_name="reason"),
        ),
        migrations.AlterField(
            model_name="disclosure",
            name="withheld",
            field=haven.infrastructure.encryption.EncryptedJSONField(default=dict),
        ),
        migrations.RunPython(seal, unseal, elidable=False),
    ]
