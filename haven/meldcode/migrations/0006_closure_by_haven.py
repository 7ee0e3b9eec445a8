"""A dossier Haven closes itself (retention, a pupil who left) has no person who closed it and no explanation."""

import django.db.models.deletion
import haven.infrastructure.encryption
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('meldcode', '0005_monitoring_records'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='closure',
            name='explanation',
            field=haven.infrastructure.encryption.EncryptedTextField(blank=True, verbose_name='explanation'),
        ),
        migrations.AlterField(
            model_name='closure',
            name='recorded_by',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
    ]
