import django.core.validators
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0002_school_retention_years"),
    ]

    operations = [
        migrations.AddField(
            model_name="school",
            name="inactivity_weeks",
            field=models.PositiveSmallIntegerField(
                default=6,
                validators=[
                    django.core.validators.MinValueValidator(1),
                    django.core.validators.MaxValueValidator(52),
                ],
                verbose_name="weeks without activity before a dossier is flagged",
            ),
        ),
    ]
