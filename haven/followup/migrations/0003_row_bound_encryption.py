"""Encrypt at rest, bound to column and row (haven.infrastructure.encryption, format enc2): the follow-up's
narrative text (`enc1` before), who leads it and Veilig Thuis's outcome, and the answer to question
5 at evaluation moments.

The AlterFields make the columns `text` (a ciphertext is neither a boolean, a number nor short);
the RunPython then rewrites every existing value through the raw cursor (the historical models
would try to open the old values), skipping values already row-bound, so a second run changes
nothing. Reversing it writes the values back as the columns held them before.
"""

import haven.infrastructure.encryption
from django.db import migrations

from haven.infrastructure.encryption import seal_existing, unseal_existing

# The encrypted columns as of this migration (model name: field names).
FIELDS = {
    "reportfollowup": [
        "feedback_agreed_how",
        "lead",
        "lead_contact_name",
        "lead_contact_details",
        "outcome",
        "follow_up_started",
        "school_expectations",
    ],
    "helpplan": ["description", "provided_by", "parents_agreement"],
    "evaluationmoment": ["effective", "explanation"],
}
# Those encrypted before, bound to their column only (enc1).
COLUMN_BOUND = {
    "reportfollowup.feedback_agreed_how",
    "reportfollowup.lead_contact_details",
    "reportfollowup.school_expectations",
    "helpplan.parents_agreement",
    "helpplan.description",
    "helpplan.provided_by",
    "reportfollowup.follow_up_started",
    "reportfollowup.lead_contact_name",
    "evaluationmoment.explanation",
}


def seal(apps, schema_editor):
    seal_existing(apps, schema_editor, "followup", FIELDS)


def unseal(apps, schema_editor):
    unseal_existing(apps, schema_editor, "followup", FIELDS, COLUMN_BOUND)


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0002_edit_version"),
    ]

    operations = [
        migrations.AlterField(
            model_name="evaluationmoment",
            name="effective",
            field=haven.infrastructure.encryption.EncryptedBooleanField(
                null=True,
                verbose_name="5. Does the help lead, within the agreed term, to the safety and wellbeing needed?",
            ),
        ),
        migrations.AlterField(
            model_name="reportfollowup",
            name="lead",
            field=haven.infrastructure.encryption.EncryptedTextField(
                blank=True,
                choices=[
                    ("veilig_thuis", "Veilig Thuis"),
                    ("local_team", "The local team"),
                    ("involved_help", "Help already involved"),
                    ("child_protection_board", "Raad voor de Kinderbescherming"),
                ],
                max_length=32,
                verbose_name="who leads the follow-up",
            ),
        ),
        migrations.AlterField(
            model_name="reportfollowup",
            name="outcome",
            field=haven.infrastructure.encryption.EncryptedTextField(
                blank=True,
                choices=[
                    ("refuted", "The suspicion is refuted"),
                    ("not_confirmed", "The suspicion is not confirmed"),
                    ("confirmed", "The suspicion is confirmed"),
                ],
                max_length=16,
                verbose_name="outcome",
            ),
        ),
        migrations.RunPython(seal, unseal, elidable=False),
    ]
