"""A verwijsindex entry knows its school (and optionally its pupil), so it can exist without a dossier."""

import django.db.models.deletion
from django.db import migrations, models



def school_and_pupil_from_case(apps, schema_editor):
    Entry = apps.get_model("signalling", "ReferralIndexEntry")
    for entry in Entry.objects.select_related("case"):
        entry.school_id = entry.case.school_id
        entry.pupil_id = entry.case.pupil_id
        entry.save(update_fields=["school", "pupil"])


class Migration(migrations.Migration):

    dependencies = [
        ('meldcode', '0005_monitoring_records'),
        ('organisations', '0006_monitoring_records'),
        ('pupils', '0003_row_bound_encryption'),
        ('signalling', '0002_row_bound_encryption'),
    ]

    operations = [
        migrations.AddField(
            model_name='referralindexentry',
            name='pupil',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='pupils.pupil'),
        ),
        migrations.AddField(
            model_name='referralindexentry',
            name='school',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.school'),
        ),
        migrations.AlterField(
            model_name='referralindexentry',
            name='case',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='referral_index_entries', to='meldcode.case'),
        ),
        migrations.RunPython(school_and_pupil_from_case, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='referralindexentry',
            name='school',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='organisations.school'),
        ),
    ]
