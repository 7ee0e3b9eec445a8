# The dossier timeline finds the events about a case's signals by object (type and id); without an
# index that lookup scans the whole audit log, which only ever grows.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0005_append_only_trigger"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="auditevent",
            index=models.Index(fields=["object_type", "object_id"], name="audit_event_object_idx"),
        ),
    ]
