"""The sibling link moves here from the former signalling app; its table (signalling_sibling) stays."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("signalling", "0003_monitoring_records"),
        ("organisations", "0007_school_address"),
        ("pupils", "0005_dutch_name_order"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            # The table exists already (created by the signalling app's migrations): state only.
            state_operations=[
                migrations.CreateModel(
                    name="Sibling",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "created_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "pupil_a",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="pupils.pupil"
                            ),
                        ),
                        (
                            "pupil_b",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="pupils.pupil"
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
                        "db_table": "signalling_sibling",
                        "ordering": ["pk"],
                        "constraints": [
                            models.UniqueConstraint(fields=("pupil_a", "pupil_b"), name="unique_sibling_pair"),
                            models.CheckConstraint(
                                condition=models.Q(("pupil_a__lt", models.F("pupil_b"))), name="sibling_pair_ordered"
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]
