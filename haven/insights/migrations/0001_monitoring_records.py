"""Monitoring: regions, public figures, rollups; advice requests and verwijsindex signals without a dossier; closing step and reasons."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('organisations', '0006_monitoring_records'),
    ]

    operations = [
        migrations.CreateModel(
            name='Region',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=120, unique=True, verbose_name='name')),
                ('municipalities', models.ManyToManyField(related_name='regions', to='organisations.municipality', verbose_name='municipalities')),
            ],
            options={
                'verbose_name': 'region',
                'verbose_name_plural': 'regions',
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='RollupState',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('refreshed_at', models.DateTimeField()),
                ('school', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisations.school')),
            ],
        ),
        migrations.CreateModel(
            name='PublicFigure',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='year')),
                ('pupils_primary', models.PositiveIntegerField(blank=True, null=True, verbose_name='pupils in primary education')),
                ('advice_requests_education', models.PositiveIntegerField(blank=True, null=True, verbose_name='advice requests to Veilig Thuis from education')),
                ('reports_education', models.PositiveIntegerField(blank=True, null=True, verbose_name='reports to Veilig Thuis from education')),
                ('referral_index_signals_primary', models.PositiveIntegerField(blank=True, null=True, verbose_name='verwijsindex signals from primary education')),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='public_figures', to='organisations.municipality')),
            ],
            options={
                'verbose_name': 'public figure',
                'ordering': ['municipality__name', 'year'],
                'constraints': [models.UniqueConstraint(fields=('municipality', 'year'), name='one_public_figure_per_year')],
            },
        ),
        migrations.CreateModel(
            name='RollupCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField()),
                ('metric', models.CharField(max_length=40)),
                ('dimension', models.CharField(blank=True, default='', max_length=60)),
                ('count', models.PositiveIntegerField()),
                ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisations.school')),
            ],
            options={
                'indexes': [models.Index(fields=['metric', 'month'], name='insights_ro_metric_fcc476_idx')],
                'constraints': [models.UniqueConstraint(fields=('school', 'month', 'metric', 'dimension'), name='one_rollup_per_cell')],
            },
        ),
        migrations.CreateModel(
            name='RouteSnapshot',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('step', models.PositiveSmallIntegerField()),
                ('open', models.PositiveIntegerField()),
                ('stalled', models.PositiveIntegerField()),
                ('school', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='organisations.school')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('school', 'step'), name='one_snapshot_per_step')],
            },
        ),
    ]
