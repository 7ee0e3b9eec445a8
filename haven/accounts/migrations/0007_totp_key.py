"""TOTP keys encrypted at rest in accounts.TOTPKey; recovery codes stored as an HMAC (haven/accounts/totp.py)."""

import django.db.models.deletion
from django.db import migrations, models


def seal_secrets(apps, schema_editor):
    from haven.accounts.totp import HASHED, SEALED, hash_code, identity
    from haven.infrastructure.encryption import encrypt

    TOTPDevice = apps.get_model("otp_totp", "TOTPDevice")
    TOTPKey = apps.get_model("accounts", "TOTPKey")
    StaticToken = apps.get_model("otp_static", "StaticToken")
    devices = list(TOTPDevice.objects.exclude(key=SEALED).only("pk", "key"))
    TOTPKey.objects.bulk_create([TOTPKey(device_id=d.pk, key=encrypt(d.key, identity(d.pk))) for d in devices])
    TOTPDevice.objects.filter(pk__in=[d.pk for d in devices]).update(key=SEALED)
    tokens = list(StaticToken.objects.exclude(token__startswith=HASHED))
    for token in tokens:
        token.token = hash_code(token.token)
    StaticToken.objects.bulk_update(tokens, ["token"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0006_forget_sign_in_form_data"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [
        migrations.CreateModel(
            name="TOTPKey",
            fields=[
                (
                    "device",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="haven_key",
                        serialize=False,
                        to="otp_totp.totpdevice",
                    ),
                ),
                ("key", models.TextField()),
            ],
            options={
                "verbose_name": "two-factor key",
                "verbose_name_plural": "two-factor keys",
            },
        ),
        # Not reversible: the plain keys and codes must not come back.
        migrations.RunPython(seal_secrets, migrations.RunPython.noop),
    ]
