"""Encrypt at rest, bound to column and row (haven.infrastructure.encryption, format enc2): what the handover
packages (sent and received) say about informing the parents.

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
    "handoverpackage": ["parents_informed_how", "not_informed_reason"],
    "handoverimport": ["parents_informed_how", "not_informed_reason"],
}
COLUMN_BOUND: set[str] = set()  # none of these was encrypted before


def seal(apps, schema_editor):
    seal_existing(apps, schema_editor, "handover", FIELDS)


def unseal(apps, schema_editor):
    unseal_existing(apps, schema_editor, "handover", FIELDS, COLUMN_BOUND)


class Migration(migrations.Migration):
    dependencies = [
        ("handover", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="handoverimport",
            name="not_informed_reason",
            field=haven.infrastructure.encryption.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="handoverimport",
            name="parents_informed_how",
            field=haven.infrastructure.encryption.EncryptedTextField(blank=True),
        ),
        migrations.AlterField(
            model_name="handoverpackage",
            name="not_informed_reason",
            field=haven.infrastructure.encryption.EncryptedTextField(
                blank=True, verbose_name="why the parents were not informed"
            ),
        ),
        migrations.AlterField(
            model_name="handoverpackage",
            name="parents_informed_how",
            field=haven.infrastructure.encryption.EncryptedTextField(blank=True, verbose_name="how the parents were informed"),
        ),
        migrations.RunPython(seal, unseal, elidable=False),
    ]
