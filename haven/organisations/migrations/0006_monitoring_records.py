"""Monitoring: regions, public figures, rollups; advice requests and verwijsindex signals without a dossier; closing step and reasons."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('organisations', '0005_edit_version'),
    ]

    operations = [
        migrations.AddField(
            model_name='municipality',
            name='code',
            field=models.CharField(blank=True, max_length=6, null=True, unique=True, verbose_name='municipality code'),
        ),
    ]
