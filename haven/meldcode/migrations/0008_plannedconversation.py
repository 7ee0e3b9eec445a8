"""Planned conversations move here from the former signalling app; their table
(signalling_plannedconversation) stays, and the encrypted place is rebound to the new app label."""

import django.db.models.deletion
import haven.infrastructure.encryption
from haven.infrastructure.encryption import rebind_existing
from django.conf import settings
from django.db import migrations, models


# Encrypted values are bound to their column by app label ("signalling.plannedconversation.location"):
# rebound to the model's new place, so that they still open.
FIELDS = {"plannedconversation": ["location"]}


def rebind(apps, schema_editor):
    rebind_existing(apps, schema_editor, "signalling", "meldcode", FIELDS)


def unbind(apps, schema_editor):
    rebind_existing(apps, schema_editor, "meldcode", "signalling", FIELDS)


class Migration(migrations.Migration):
    dependencies = [
        ("signalling", "0003_monitoring_records"),
        ("meldcode", "0007_report_contact_details_and_conversation"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table exists already (created by the signalling app's migrations): state only.
            state_operations=[
                migrations.CreateModel(
                    name="PlannedConversation",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("planned_at", models.DateTimeField(verbose_name="date and time")),
                        ("participants", models.JSONField(default=list, verbose_name="with whom")),
                        (
                            "location",
                            haven.infrastructure.encryption.EncryptedTextField(blank=True, max_length=200, verbose_name="where"),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("cancelled_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "cancelled_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="planned_conversations",
                                to="meldcode.case",
                            ),
                        ),
                        (
                            "planned_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "signalling_plannedconversation",
                        "ordering": ["planned_at", "pk"],
                    },
                ),
            ],
        ),
        migrations.RunPython(rebind, unbind, elidable=False),
    ]
