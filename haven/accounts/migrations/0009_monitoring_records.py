"""Monitoring: regions, public figures, rollups; advice requests and verwijsindex signals without a dossier; closing step and reasons."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0008_account_links_and_role_requests'),
        ('insights', '0001_monitoring_records'),
        ('organisations', '0006_monitoring_records'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='analystmembership',
            name='analyst_of_one_board_or_one_municipality',
        ),
        migrations.AddField(
            model_name='analystmembership',
            name='region',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='insights.region', verbose_name='region'),
        ),
        migrations.AddConstraint(
            model_name='analystmembership',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('board__isnull', False), ('municipality__isnull', True), ('region__isnull', True)), models.Q(('board__isnull', True), ('municipality__isnull', False), ('region__isnull', True)), models.Q(('board__isnull', True), ('municipality__isnull', True), ('region__isnull', False)), _connector='OR'), name='analyst_of_one_board_municipality_or_region'),
        ),
    ]
