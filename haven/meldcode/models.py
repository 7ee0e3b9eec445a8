"""Route data: the logbook (signals) and the dossier (case) with its step records.

Records are written only by `haven.meldcode.services`; every write there emits an audit event,
and the case timeline is read from those events. Logbook entries are never overwritten.
"""

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from haven.infrastructure.encryption import (
    EncryptedBooleanField,
    EncryptedIntegerField,
    EncryptedJSONField,
    EncryptedModel,
    EncryptedTextField,
)
from haven.meldcode.workflow import DecisionOutcome

if TYPE_CHECKING:
    from haven.accounts.models import User

USER = settings.AUTH_USER_MODEL


class Signal(EncryptedModel):
    class Source(models.TextChoices):
        OWN_OBSERVATION = "own_observation", _("Own observation")
        CHILD_TOLD = "child_told", _("The child told")
        PARENT = "parent", _("A parent")
        OTHER_PUPIL = "other_pupil", _("Another pupil")
        COLLEAGUE = "colleague", _("A colleague")
        EXTERNAL_PROFESSIONAL = "external_professional", _("An external professional")
        POLICE_NOTICE = "police_notice", _("Police notice (Handle with Care)")
        OTHER = "other", _("Other")

    class Category(models.TextChoices):
        PHYSICAL_ABUSE = "physical_abuse", _("Physical abuse")
        PSYCHOLOGICAL_ABUSE = "psychological_abuse", _("Psychological abuse")
        PHYSICAL_NEGLECT = "physical_neglect", _("Physical neglect")
        EMOTIONAL_NEGLECT = "emotional_neglect", _("Emotional neglect")
        SEXUAL_ABUSE = "sexual_abuse", _("Sexual abuse")
        WITNESSING_VIOLENCE = "witnessing_violence", _("Witnessing domestic violence")
        HONOUR_RELATED = "honour_related", _("Honour-related violence")
        OTHER = "other", _("Other")
        GUT_FEELING = "gut_feeling", _("Gut feeling without a category (niet-pluis)")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        IN_CASE = "in_case", _("In a dossier")
        NOTED = "noted", _("Noted, no dossier")

    school = models.ForeignKey("organisations.School", on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="signals")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="signals")
    observed_at = models.DateTimeField(_("observed at"))
    source = models.CharField(_("source"), max_length=32, choices=Source.choices)
    categories = EncryptedJSONField(_("categories"), default=list)
    facts = EncryptedTextField(_("facts"))
    child_words = EncryptedTextField(_("the child's own words"), blank=True)
    interpretation = EncryptedTextField(_("your interpretation"), blank=True)
    context = EncryptedTextField(_("context"), blank=True)
    contradicting_info = EncryptedTextField(_("information that contradicts the concern"), blank=True)
    other_pupils = models.ManyToManyField("pupils.Pupil", blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    case = models.ForeignKey("Case", null=True, blank=True, on_delete=models.PROTECT, related_name="signals")
    noted_reason = EncryptedTextField(blank=True)
    triaged_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    triaged_at = models.DateTimeField(null=True, blank=True)

    TEXT_FIELDS = ("facts", "child_words", "interpretation", "context", "contradicting_info")

    class Meta:
        ordering = ["-observed_at", "-pk"]
        indexes = [
            models.Index(fields=["school", "status", "observed_at"]),
            models.Index(fields=["author", "observed_at"]),
        ]

    def __str__(self) -> str:
        return f"Signal {self.pk}"

    def text_with(self, amendments: list["SignalAmendment"]) -> dict[str, str]:
        """The logbook entry as it reads after these amendments (oldest first): the latest one wins."""
        source: Any = amendments[-1] if amendments else self
        return {name: getattr(source, name) for name in self.TEXT_FIELDS}

    def category_labels(self) -> list[str]:
        labels = dict(self.Category.choices)
        return [str(labels[c]) for c in self.categories if c in labels]


class SignalAmendment(EncryptedModel):
    """A correction of a logbook entry: the full new text, with a reason. The original stays."""

    signal = models.ForeignKey(Signal, on_delete=models.PROTECT, related_name="amendments")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    reason = EncryptedTextField(_("reason for the correction"))
    facts = EncryptedTextField(_("facts"))
    child_words = EncryptedTextField(_("the child's own words"), blank=True)
    interpretation = EncryptedTextField(_("your interpretation"), blank=True)
    context = EncryptedTextField(_("context"), blank=True)
    contradicting_info = EncryptedTextField(_("information that contradicts the concern"), blank=True)

    class Meta:
        ordering = ["created_at", "pk"]


class LookAlongRequest(models.Model):
    """'Meekijken': a one-click request to the IB/AF to look at a signal (the lowest threshold for step 2)."""

    school = models.ForeignKey("organisations.School", on_delete=models.PROTECT, related_name="+")
    signal = models.ForeignKey(Signal, on_delete=models.PROTECT, related_name="look_along_requests")
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    picked_up_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    picked_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]


class AdviceRequest(EncryptedModel):
    """An advice request to Veilig Thuis recorded on its own: many are made before any dossier exists.

    The pupil is optional (an anonymous question about a situation); an advice request inside a
    dossier is a `Consultation` with Veilig Thuis. Both are counted by the monitoring.
    """

    school = models.ForeignKey("organisations.School", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("date"))
    anonymous = models.BooleanField(_("anonymous advice"), default=True)
    question = EncryptedTextField(_("question"))
    advice = EncryptedTextField(_("advice"))
    pupil = models.ForeignKey(
        "pupils.Pupil", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("pupil")
    )
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-held_on", "-pk"]
        verbose_name = _("advice request")

    def __str__(self) -> str:
        return f"Advice request {self.pk}"


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    school = models.ForeignKey("organisations.School", on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="cases")
    lead = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="led_cases", verbose_name=_("case lead"))
    members: "models.ManyToManyField[User, CaseMember]" = models.ManyToManyField(
        USER, through="CaseMember", through_fields=("case", "user"), related_name="cases"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    acute = models.BooleanField(default=False)
    opened_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self) -> str:
        return f"Dossier {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class CaseMember(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="case_memberships")
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "user"], name="unique_case_member")]


class StepRecord(EncryptedModel):
    """Fields every step record shares: which dossier, who recorded it and when."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="%(class)ss")
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["recorded_at", "pk"]


class Consultation(StepRecord):
    class Consulted(models.TextChoices):
        COLLEAGUE = "colleague", _("A colleague")
        CARE_COORDINATOR = "care_coordinator", _("Care coordinator (IB)")
        SAFEGUARDING_LEAD = "safeguarding_lead", _("Safeguarding lead (AF)")
        SCHOOL_DOCTOR = "school_doctor", _("School doctor (GGD)")
        VEILIG_THUIS = "veilig_thuis", _("Veilig Thuis (advice)")
        OTHER_ORGANISATION = "other_organisation", _("Another organisation")

    held_on = models.DateField(_("date"))
    consulted = models.CharField(_("consulted"), max_length=32, choices=Consulted.choices)
    consulted_name = EncryptedTextField(_("name or organisation"), max_length=200, blank=True)
    anonymous = models.BooleanField(_("anonymous advice"), default=False)
    question = EncryptedTextField(_("question"))
    advice = EncryptedTextField(_("advice"))
    agreed_actions = EncryptedTextField(_("agreed actions"), blank=True)

    class Meta(StepRecord.Meta):
        pass


class Conversation(StepRecord):
    class Participant(models.TextChoices):
        MOTHER = "mother", _("Mother")
        FATHER = "father", _("Father")
        CARER = "carer", _("Carer")
        PUPIL = "pupil", _("The pupil")
        OTHER = "other", _("Others")

    class Acknowledgement(models.TextChoices):
        AGREED = "agreed", _("Signed as agreed")
        SEEN = "seen", _("Signed as seen")
        REFUSED = "refused", _("Refused to sign")
        NOT_ASKED = "not_asked", _("Not asked")

    held_on = models.DateField(_("date"))
    participants = models.JSONField(_("with whom"), default=list)
    participants_detail = EncryptedTextField(_("names of others present"), max_length=300, blank=True)
    face_to_face = models.BooleanField(_("face to face"), default=True)
    location = EncryptedTextField(_("where"), max_length=200, blank=True)
    shared = EncryptedTextField(_("what was shared"))
    reaction = EncryptedTextField(_("their reaction, in their own words"))
    agreements = EncryptedTextField(_("agreements"), blank=True)
    acknowledgement = models.CharField(
        _("acknowledgement of the written report"), max_length=16, choices=Acknowledgement.choices
    )

    class Meta(StepRecord.Meta):
        pass

    def participant_labels(self) -> list[str]:
        labels = dict(self.Participant.choices)
        return [str(labels[p]) for p in self.participants if p in labels]


class StepSkip(StepRecord):
    """A step deliberately not taken, with the reason (the conversation's lawful reasons, or acute)."""

    class Reason(models.TextChoices):
        CHILD_SAFETY = "child_safety", _("The safety of the child")
        OTHERS_SAFETY = "others_safety", _("The safety of others")
        PROFESSIONAL_SAFETY = "professional_safety", _("The safety of the professional")
        BREAK_OF_CONTACT = "break_of_contact", _("Expected break of contact or help")
        ACUTE = "acute", _("Acute situation")

    step = models.PositiveSmallIntegerField()
    reason = EncryptedTextField(_("reason"), max_length=32, choices=Reason.choices)
    explanation = EncryptedTextField(_("explanation"))

    class Meta(StepRecord.Meta):
        constraints = [models.UniqueConstraint(fields=["case", "step"], name="one_skip_per_step")]


class Weighing(StepRecord):
    suspicion = EncryptedBooleanField(_("1. Is there a suspicion of domestic violence or child abuse?"))
    suspicion_explanation = EncryptedTextField(_("explanation"))
    unsafety = EncryptedBooleanField(_("2. Is there (a suspicion of) acute or structural unsafety?"), null=True)
    unsafety_explanation = EncryptedTextField(_("explanation"), blank=True)
    risk_factors = EncryptedTextField(_("risk factors"), blank=True)
    protective_factors = EncryptedTextField(_("protective factors"), blank=True)
    safety_score_parents = EncryptedIntegerField(_("safety score given by the parents"), null=True)
    safety_score_pupil = EncryptedIntegerField(_("safety score given by the pupil"), null=True)

    class Meta(StepRecord.Meta):
        pass


class Decision(StepRecord):
    """The answers to all five questions at the moment of deciding, the advice, and the decision."""

    suspicion = EncryptedBooleanField(null=True)
    unsafety = EncryptedBooleanField(null=True)
    can_help = EncryptedBooleanField(null=True)
    accepted = EncryptedBooleanField(null=True)
    effective = EncryptedBooleanField(null=True)
    advice = EncryptedTextField(max_length=16)
    outcome = EncryptedTextField(
        _("decision"),
        max_length=16,
        choices=[
            (DecisionOutcome.REPORT.value, _("Report to Veilig Thuis")),
            (DecisionOutcome.HELP.value, _("Organise help")),
            (DecisionOutcome.REPORT_AND_HELP.value, _("Report and organise help")),
            (DecisionOutcome.CLOSE.value, _("Close without action")),
        ],
    )
    rationale = EncryptedTextField(_("rationale"))
    deviation_justification = EncryptedTextField(_("why the decision differs from the framework's advice"), blank=True)
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)

    class Meta(StepRecord.Meta):
        pass

    @property
    def reports(self) -> bool:
        return self.outcome in (DecisionOutcome.REPORT, DecisionOutcome.REPORT_AND_HELP)


class Report(StepRecord):
    """The report (melding) to Veilig Thuis: prepared as a draft, then recorded as made."""

    class NotInformedReason(models.TextChoices):
        CHILD_SAFETY = "child_safety", _("The safety of the child")
        REPORTER_SAFETY = "reporter_safety", _("The safety of the reporter")
        RELATIONSHIP = "relationship", _("The relationship of trust")

    # The verbose names are the report's headings (the documents show them); the form asks in its own words.
    # Who reports, and how Veilig Thuis reaches them (prefilled from the account).
    reporter_name = EncryptedTextField(_("name"), max_length=200, default="")
    reporter_function = EncryptedTextField(_("function"), max_length=200, default="")
    reporter_phone = EncryptedTextField(_("phone number"), max_length=30, blank=True)
    reporter_email = EncryptedTextField(_("e-mail address"), max_length=254, blank=True)
    # The school (prefilled from the school).
    school_name = EncryptedTextField(_("school"), max_length=200, default="")
    school_address = EncryptedTextField(_("address of the school"), max_length=300, blank=True)
    relation_to_family = EncryptedTextField(_("relation to the family"))
    # The pupil and the household (the pupil's address prefilled from the pupil).
    pupil_address = EncryptedTextField(_("address of the pupil"), max_length=300, blank=True)
    household = EncryptedTextField(_("household composition and ages of the children"))
    household_contacts = EncryptedTextField(_("contact details of the parents or carers"), blank=True)
    # True: the reporter says explicitly that the parents' contact details are not known.
    household_contacts_unknown = EncryptedBooleanField(_("contact details not known"), null=True)
    direct_cause = EncryptedTextField(_("direct cause of the report"))
    facts = EncryptedTextField(_("the violence or abuse: nature, frequency, severity (facts)"))
    interpretation = EncryptedTextField(_("the reporter's interpretation (apart from the facts)"), blank=True)
    conversation = EncryptedTextField(_("conversation with the parents (step 3)"), blank=True)
    risk_factors = EncryptedTextField(_("risk factors"), blank=True)
    protective_factors = EncryptedTextField(_("protective factors"), blank=True)
    help_contacts = EncryptedTextField(_("existing and recent help contacts"), blank=True)
    police_contacts = EncryptedTextField(_("police contacts"), blank=True)
    intervention_risks = EncryptedTextField(_("risks of intervening"), blank=True)
    expectations = EncryptedTextField(_("what the reporter expects from Veilig Thuis"))
    parents_informed = models.BooleanField(_("parents informed about the report"), null=True)
    parents_informed_how = EncryptedTextField(_("how the parents were informed"), blank=True)
    not_informed_reason = EncryptedTextField(
        _("why the parents were not informed"), max_length=16, choices=NotInformedReason.choices, blank=True
    )
    not_informed_explanation = EncryptedTextField(_("explanation"), blank=True)
    made_on = models.DateField(_("date of the report"), null=True)
    made_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    vt_reference = EncryptedTextField(_("Veilig Thuis reference"), max_length=100, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking of the edit form (haven.infrastructure.concurrency); db_default keeps bulk inserts working.
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    class Meta(StepRecord.Meta):
        pass

    @property
    def is_made(self) -> bool:
        return self.made_on is not None


class Closure(StepRecord):
    """Closing a dossier, and reopening it later; the history of both stays."""

    class Reason(models.TextChoices):
        # The reasons a route stops, as the region's monitoring asks them (shared/MONITORING.md).
        EXPLAINED = "explained", _("The suspicion was taken away")
        HELP_WORKING = "help_working", _("Help organised and working")
        HELP_INVOLVED = "help_involved", _("Help was already involved")
        REFERRED = "referred", _("Referred to other care")
        TAKEN_OVER = "taken_over", _("Reported, Veilig Thuis took over")
        PUPIL_LEFT = "pupil_left", _("The pupil left the school or the family moved")
        NO_COOPERATION = "no_cooperation", _("The parents did not cooperate")
        UNCLEAR_NEXT = "unclear_next", _("Unclear what to do next")
        FEAR_RELATION = "fear_relation", _("Fear for the relationship with the parents")
        TOO_VAGUE = "too_vague", _("Too little to go on")
        OTHER = "other", _("Other")
        # Only Haven itself closes with this (retention, a pupil who left): nobody recorded why.
        NOT_RECORDED = "not_recorded", _("Nobody recorded why")

    # Empty when Haven closed the dossier itself (`services.close_case_unrecorded`): no person did.
    # Nullable here only: the other step records always have a person (hence the ignore).
    recorded_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")  # type: ignore[assignment]
    reason = EncryptedTextField(_("reason"), max_length=16, choices=Reason.choices)
    explanation = EncryptedTextField(_("explanation"), blank=True)
    # The route's step (1-5) when the dossier was closed: where routes stop.
    step_at_closing = EncryptedIntegerField(_("step at closing"), null=True)
    reopened_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    reopened_at = models.DateTimeField(null=True)
    reopen_reason = EncryptedTextField(_("reason for reopening"), blank=True)

    class Meta(StepRecord.Meta):
        pass


class PlannedConversation(EncryptedModel):
    """The conversation with the parents (step 3), planned ahead.

    It is done once a conversation is recorded in the dossier after it was planned (see
    `haven.meldcode.queries.with_state`), or when it is cancelled; only cancelling is stored.
    """

    case = models.ForeignKey("meldcode.Case", on_delete=models.CASCADE, related_name="planned_conversations")
    planned_at = models.DateTimeField(_("date and time"))
    participants = models.JSONField(_("with whom"), default=list)
    location = EncryptedTextField(_("where"), max_length=200, blank=True)
    planned_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        # Moved here from the former `signalling` app; the table keeps its name (and its rows).
        db_table = "signalling_plannedconversation"
        ordering = ["planned_at", "pk"]

    def __str__(self) -> str:
        return f"Planned conversation {self.pk}"

    @property
    def done(self) -> bool:
        """Held (a conversation recorded since it was planned: the `held` annotation) or cancelled."""
        return self.cancelled_at is not None or bool(getattr(self, "held", False))

    def participant_labels(self) -> list[str]:
        labels = dict(Conversation.Participant.choices)
        return [str(labels[p]) for p in self.participants if p in labels]
