"""Police notices' support tasks and verwijsindex entries move here from the former signalling app;
their tables (signalling_supporttask, signalling_referralindexentry) stay."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("signalling", "0003_monitoring_records"),
        ("meldcode", "0008_plannedconversation"),
        ("organisations", "0007_school_address"),
        ("pupils", "0005_dutch_name_order"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table exists already (created by the signalling app's migrations): state only.
            state_operations=[
                migrations.CreateModel(
                    name="ReferralIndexEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "action",
                            models.CharField(
                                choices=[
                                    ("placed", "Placed in the verwijsindex"),
                                    ("ended", "Ended in the verwijsindex"),
                                ],
                                max_length=8,
                                verbose_name="what",
                            ),
                        ),
                        ("on", models.DateField(verbose_name="date")),
                        ("recorded_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "case",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="referral_index_entries",
                                to="meldcode.case",
                            ),
                        ),
                        (
                            "pupil",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to="pupils.pupil",
                            ),
                        ),
                        (
                            "recorded_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "school",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="organisations.school"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "verwijsindex entry",
                        "db_table": "signalling_referralindexentry",
                        "ordering": ["on", "recorded_at", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="SupportTask",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("due_on", models.DateField(verbose_name="due on")),
                        ("done_at", models.DateTimeField(blank=True, null=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "pupil",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="pupils.pupil"
                            ),
                        ),
                        (
                            "school",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="+", to="organisations.school"
                            ),
                        ),
                        (
                            "signal",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="support_tasks",
                                to="meldcode.signal",
                            ),
                        ),
                        (
                            "teacher",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="support_tasks",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "signalling_supporttask",
                        "ordering": ["due_on", "pk"],
                        "constraints": [
                            models.UniqueConstraint(fields=("signal", "teacher"), name="one_support_task_per_teacher")
                        ],
                    },
                ),
            ],
        ),
    ]
