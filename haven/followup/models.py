"""Follow-up after a decision: the report's feedback from Veilig Thuis, help plans and their evaluations.

Written only by `haven.followup.services` (one audit event per write, in the same transaction).
Everything here belongs to a dossier: deleting a report, decision or dossier (retention) takes
these rows with it. Narrative text is encrypted at rest like the rest of the dossier.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.infrastructure.encryption import EncryptedBooleanField, EncryptedModel, EncryptedTextField

USER = settings.AUTH_USER_MODEL


class ReportFollowUp(EncryptedModel):
    """What happens after a report was made: the agreement about feedback, the external lead, the outcome."""

    class Lead(models.TextChoices):
        VEILIG_THUIS = "veilig_thuis", _("Veilig Thuis")
        LOCAL_TEAM = "local_team", _("The local team")
        INVOLVED_HELP = "involved_help", _("Help already involved")
        CHILD_PROTECTION_BOARD = "child_protection_board", _("Raad voor de Kinderbescherming")

    class Outcome(models.TextChoices):
        REFUTED = "refuted", _("The suspicion is refuted")
        NOT_CONFIRMED = "not_confirmed", _("The suspicion is not confirmed")
        CONFIRMED = "confirmed", _("The suspicion is confirmed")

    report = models.OneToOneField("meldcode.Report", on_delete=models.CASCADE, related_name="follow_up")
    feedback_agreed_on = models.DateField(_("feedback agreed by"), null=True, blank=True)
    feedback_agreed_how = EncryptedTextField(_("how Veilig Thuis will inform the school"), blank=True)
    lead = EncryptedTextField(_("who leads the follow-up"), max_length=32, choices=Lead.choices, blank=True)
    lead_contact_name = EncryptedTextField(_("contact person"), blank=True)
    lead_contact_details = EncryptedTextField(_("phone or e-mail"), blank=True)
    outcome = EncryptedTextField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    follow_up_started = EncryptedTextField(_("the follow-up Veilig Thuis started"), blank=True)
    school_expectations = EncryptedTextField(_("what Veilig Thuis expects from the school"), blank=True)
    feedback_received_on = models.DateField(_("feedback received on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    # Optimistic locking of the edit form (haven.infrastructure.concurrency); db_default keeps bulk inserts working.
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    def __str__(self) -> str:
        return f"Follow-up of report {self.report_id}"


class HelpPlan(EncryptedModel):
    """The help organised after a decision to help (or to report and help), with its term."""

    case = models.ForeignKey("meldcode.Case", on_delete=models.CASCADE, related_name="help_plans")
    decision = models.ForeignKey("meldcode.Decision", on_delete=models.CASCADE, related_name="help_plans")
    description = EncryptedTextField(_("what help"))
    provided_by = EncryptedTextField(_("by whom"))
    agreed_with_parents = models.BooleanField(_("agreed with the parents"))
    parents_agreement = EncryptedTextField(_("how it was agreed with the parents"), blank=True)
    starts_on = models.DateField(_("help starts on"))
    ends_on = models.DateField(_("end of the term"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"Help plan {self.pk}"


class EvaluationMoment(EncryptedModel):
    """An agreed moment to answer question 5: does the help lead to safety and wellbeing within the term?"""

    plan = models.ForeignKey(HelpPlan, on_delete=models.CASCADE, related_name="moments")
    due_on = models.DateField(_("evaluation moment"))
    effective = EncryptedBooleanField(
        _("5. Does the help lead, within the agreed term, to the safety and wellbeing needed?"), null=True
    )
    explanation = EncryptedTextField(_("explanation"), blank=True)
    answered_on = models.DateField(_("evaluated on"), null=True)
    answered_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "due_on"], name="one_evaluation_per_plan_and_day")]
        indexes = [models.Index(fields=["answered_on", "due_on"])]

    def __str__(self) -> str:
        return f"Evaluation {self.pk}"
