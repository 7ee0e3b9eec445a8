"""Encrypt at rest, bound to column and row (haven.infrastructure.encryption, format enc2): the narrative text
(bound to its column only, `enc1`, since 0002) and the codes and answers that say what happened to
the child: the signal's categories, the weighing's and the decision's answers, advice and outcome,
the reasons for skipping a step and for closing, the Veilig Thuis reference and why the parents
were not informed.

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
    "signal": ["categories", "facts", "child_words", "interpretation", "context", "contradicting_info", "noted_reason"],
    "signalamendment": ["reason", "facts", "child_words", "interpretation", "context", "contradicting_info"],
    "consultation": ["consulted_name", "question", "advice", "agreed_actions"],
    "conversation": ["participants_detail", "location", "shared", "reaction", "agreements"],
    "stepskip": ["reason", "explanation"],
    "weighing": [
        "suspicion",
        "suspicion_explanation",
        "unsafety",
        "unsafety_explanation",
        "risk_factors",
        "protective_factors",
        "safety_score_parents",
        "safety_score_pupil",
    ],
    "decision": [
        "suspicion",
        "unsafety",
        "can_help",
        "accepted",
        "effective",
        "advice",
        "outcome",
        "rationale",
        "deviation_justification",
    ],
    "report": [
        "relation_to_family",
        "direct_cause",
        "facts",
        "interpretation",
        "risk_factors",
        "protective_factors",
        "household",
        "help_contacts",
        "police_contacts",
        "intervention_risks",
        "expectations",
        "parents_informed_how",
        "not_informed_reason",
        "not_informed_explanation",
        "vt_reference",
    ],
    "closure": ["reason", "explanation", "reopen_reason"],
}
# Those encrypted before, bound to their column only (enc1).
COLUMN_BOUND = {
    "conversation.agreements",
    "signalamendment.contradicting_info",
    "signalamendment.facts",
    "consultation.consulted_name",
    "conversation.reaction",
    "weighing.unsafety_explanation",
    "decision.rationale",
    "signal.context",
    "report.direct_cause",
    "report.expectations",
    "report.relation_to_family",
    "signal.interpretation",
    "weighing.protective_factors",
    "closure.explanation",
    "consultation.question",
    "report.parents_informed_how",
    "report.intervention_risks",
    "decision.deviation_justification",
    "signal.child_words",
    "weighing.suspicion_explanation",
    "report.household",
    "conversation.shared",
    "report.not_informed_explanation",
    "signalamendment.reason",
    "conversation.location",
    "signal.facts",
    "conversation.participants_detail",
    "signal.contradicting_info",
    "signalamendment.context",
    "consultation.agreed_actions",
    "report.interpretation",
    "consultation.advice",
    "weighing.risk_factors",
    "signal.noted_reason",
    "signalamendment.child_words",
    "report.police_contacts",
    "report.help_contacts",
    "closure.reopen_reason",
    "report.risk_factors",
    "stepskip.explanation",
    "report.facts",
    "report.protective_factors",
    "signalamendment.interpretation",
}


def seal(apps, schema_editor):
    seal_existing(apps, schema_editor, "meldcode", FIELDS)


def unseal(apps, schema_editor):
    unseal_existing(apps, schema_editor, "meldcode", FIELDS, COLUMN_BOUND)


class Migration(migrations.Migration):
    dependencies = [
        ("meldcode", "0003_edit_version"),
    ]

    operations = [
        migrations.AlterField(
            model_name="closure",
            name="reason",
            field=haven.infrastructure.encryption.EncryptedTextField(
                choices=[
                    ("explained", "Suspicion taken away by the parents' explanation"),
                    ("help_working", "Help organised and working"),
                    ("taken_over", "Reported, Veilig Thuis took over"),
                    ("too_vague", "Signals too vague to act on for now"),
                    ("pupil_left", "Pupil left the school"),
                    ("other", "Other"),
                ],
                max_length=16,
                verbose_name="reason",
            ),
        ),
        migrations.AlterField(
            model_name="decision",
            name="accepted",
            field=haven.infrastructure.encryption.EncryptedBooleanField(null=True),
        ),
        migrations.AlterField(
            model_name="decision",
            name="advice",
            field=haven.infrastructure.encryption.EncryptedTextField(max_length=16),
        ),
        migrations.AlterField(
            model_name="decision",
            name="can_help",
            field=haven.infrastructure.encryption.EncryptedBooleanField(null=True),
        ),
        migrations.AlterField(
            model_name="decision",
            name="effective",
            field=haven.infrastructure.encryption.EncryptedBooleanField(null=True),
        ),
        migrations.AlterField(
            model_name="decision",
            name="outcome",
            field=haven.infrastructure.encryption.EncryptedTextField(
                choices=[
                    ("report", "Report to Veilig Thuis"),
                    ("help", "Organise help"),
                    ("report_and_help", "Report and organise help"),
                    ("close", "Close without action"),
                ],
                max_length=16,
                verbose_name="decision",
            ),
        ),
        migrations.AlterField(
            model_name="decision",
            name="suspicion",
            field=haven.infrastructure.encryption.EncryptedBooleanField(null=True),
        ),
        migrations.AlterField(
            model_name="decision",
            name="unsafety",
            field=haven.infrastructure.encryption.EncryptedBooleanField(null=True),
        ),
        migrations.AlterField(
            model_name="report",
            name="not_informed_reason",
            field=haven.infrastructure.encryption.EncryptedTextField(
                blank=True,
                choices=[
                    ("child_safety", "The safety of the child"),
                    ("reporter_safety", "The safety of the reporter"),
                    ("relationship", "The relationship of trust"),
                ],
                max_length=16,
                verbose_name="why the parents were not informed",
            ),
        ),
        migrations.AlterField(
            model_name="report",
            name="vt_reference",
            field=haven.infrastructure.encryption.EncryptedTextField(
                blank=True, max_length=100, verbose_name="Veilig Thuis reference"
            ),
        ),
        migrations.AlterField(
            model_name="signal",
            name="categories",
            field=haven.infrastructure.encryption.EncryptedJSONField(default=list, verbose_name="categories"),
        ),
        migrations.AlterField(
            model_name="stepskip",
            name="reason",
            field=haven.infrastructure.encryption.EncryptedTextField(
                choices=[
                    ("child_safety", "The safety of the child"),
                    ("others_safety", "The safety of others"),
                    ("professional_safety", "The safety of the professional"),
                    ("break_of_contact", "Expected break of contact or help"),
                    ("acute", "Acute situation"),
                ],
                max_length=32,
                verbose_name="reason",
            ),
        ),
        migrations.AlterField(
            model_name="weighing",
            name="safety_score_parents",
            field=haven.infrastructure.encryption.EncryptedIntegerField(
                null=True, verbose_name="safety score given by the parents"
            ),
        ),
        migrations.AlterField(
            model_name="weighing",
            name="safety_score_pupil",
            field=haven.infrastructure.encryption.EncryptedIntegerField(
                null=True, verbose_name="safety score given by the pupil"
            ),
        ),
        migrations.AlterField(
            model_name="weighing",
            name="suspicion",
            field=haven.infrastructure.encryption.EncryptedBooleanField(
                verbose_name="1. Is there a suspicion of domestic violence or child abuse?"
            ),
        ),
        migrations.AlterField(
            model_name="weighing",
            name="unsafety",
            field=haven.infrastructure.encryption.EncryptedBooleanField(
                null=True, verbose_name="2. Is there (a suspicion of) acute or structural unsafety?"
            ),
        ),
        migrations.RunPython(seal, unseal, elidable=False),
    ]
