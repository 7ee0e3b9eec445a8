# Every event now has its place in the chain: make it required and unique, and index a case's
# events in chain order (the "who viewed this dossier" page).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_chain_existing_events'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='sequence',
            field=models.BigIntegerField(unique=True),
        ),
        migrations.AddConstraint(
            model_name='auditevent',
            constraint=models.CheckConstraint(condition=models.Q(('sequence__gte', 1)), name='audit_event_sequence_positive'),
        ),
        migrations.AddIndex(
            model_name='auditevent',
            index=models.Index(fields=['case', 'sequence'], name='audit_event_case_seq_idx'),
        ),
    ]
