"""Monitoring: regions, public figures, rollups; advice requests and verwijsindex signals without a dossier; closing step and reasons."""

import django.db.models.deletion
import haven.infrastructure.encryption
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('meldcode', '0004_row_bound_encryption'),
        ('organisations', '0006_monitoring_records'),
        ('pupils', '0003_row_bound_encryption'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='closure',
            name='step_at_closing',
            field=haven.infrastructure.encryption.EncryptedIntegerField(null=True, verbose_name='step at closing'),
        ),
        migrations.AlterField(
            model_name='closure',
            name='reason',
            field=haven.infrastructure.encryption.EncryptedTextField(choices=[('explained', 'The suspicion was taken away'), ('help_working', 'Help organised and working'), ('help_involved', 'Help was already involved'), ('referred', 'Referred to other care'), ('taken_over', 'Reported, Veilig Thuis took over'), ('pupil_left', 'The pupil left the school or the family moved'), ('no_cooperation', 'The parents did not cooperate'), ('unclear_next', 'Unclear what to do next'), ('fear_relation', 'Fear for the relationship with the parents'), ('too_vague', 'Too little to go on'), ('other', 'Other'), ('not_recorded', 'Nobody recorded why')], max_length=16, verbose_name='reason'),
        ),
        migrations.CreateModel(
            name='AdviceRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('held_on', models.DateField(verbose_name='date')),
                ('anonymous', models.BooleanField(default=True, verbose_name='anonymous advice')),
                ('question', haven.infrastructure.encryption.EncryptedTextField(verbose_name='question')),
                ('advice', haven.infrastructure.encryption.EncryptedTextField(verbose_name='advice')),
                ('recorded_at', models.DateTimeField(auto_now_add=True)),
                ('pupil', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='pupils.pupil', verbose_name='pupil')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('school', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.school')),
            ],
            options={
                'verbose_name': 'advice request',
                'ordering': ['-held_on', '-pk'],
            },
        ),
    ]
