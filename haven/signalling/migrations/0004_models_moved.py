"""The app's models moved to the apps whose names say what they hold (see haven/signalling/__init__.py):
Sibling to pupils, PlannedConversation to meldcode, SupportTask and ReferralIndexEntry to
external_signals. Their tables stay as they are: state only.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("signalling", "0003_monitoring_records"),
        ("pupils", "0006_sibling"),
        ("meldcode", "0008_plannedconversation"),
        ("external_signals", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="PlannedConversation"),
                migrations.DeleteModel(name="ReferralIndexEntry"),
                migrations.DeleteModel(name="Sibling"),
                migrations.DeleteModel(name="SupportTask"),
            ],
        ),
    ]
