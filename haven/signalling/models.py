"""Signalling around the route: brothers and sisters, Handle with Care, the verwijsindex, and
conversations planned with the parents.

Records are written only by `haven.signalling.services`, each write with its audit event.
References to a dossier or a signal cascade: when a dossier is destroyed after its retention term
(`haven.meldcode.services.destroy_case`), what hangs on it goes with it.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from haven.infrastructure.encryption import EncryptedModel, EncryptedTextField

USER = settings.AUTH_USER_MODEL


class Sibling(models.Model):
    """Two pupils of one school who are brothers or sisters (symmetric: stored once, lowest id first).

    Only direct links count: three siblings are three links, so that half-siblings can be linked
    to the one they share a parent with and not to the other.
    """

    school = models.ForeignKey("organisations.School", on_delete=models.PROTECT, related_name="+")
    pupil_a = models.ForeignKey("pupils.Pupil", on_delete=models.CASCADE, related_name="+")
    pupil_b = models.ForeignKey("pupils.Pupil", on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["pupil_a", "pupil_b"], name="unique_sibling_pair"),
            models.CheckConstraint(condition=Q(pupil_a__lt=F("pupil_b")), name="sibling_pair_ordered"),
        ]

    def __str__(self) -> str:
        return f"Sibling {self.pupil_a_id}-{self.pupil_b_id}"

    def other(self, pupil_id: int) -> int:
        return self.pupil_b_id if pupil_id == self.pupil_a_id else self.pupil_a_id


class SupportTask(models.Model):
    """Handle with Care: after a police notice, the pupil's teacher offers support that day."""

    school = models.ForeignKey("organisations.School", on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="+")
    signal = models.ForeignKey("meldcode.Signal", on_delete=models.CASCADE, related_name="support_tasks")
    teacher = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="support_tasks")
    due_on = models.DateField(_("due on"))
    done_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["signal", "teacher"], name="one_support_task_per_teacher")]

    def __str__(self) -> str:
        return f"Support task {self.pk}"

    @property
    def is_done(self) -> bool:
        return self.done_at is not None


class ReferralIndexEntry(models.Model):
    """The school placed a signal in the verwijsindex risicojongeren about the pupil, or ended it.

    The verwijsindex only says *that* a professional is involved, never why; Haven records when
    the school did either, and who.
    """

    class Action(models.TextChoices):
        PLACED = "placed", _("Placed in the verwijsindex")
        ENDED = "ended", _("Ended in the verwijsindex")

    # A signal can be placed without a dossier too (the school's own judgement, step 1); then only
    # the school (and optionally the pupil) is known.
    school = models.ForeignKey("organisations.School", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        "meldcode.Case", null=True, blank=True, on_delete=models.CASCADE, related_name="referral_index_entries"
    )
    pupil = models.ForeignKey("pupils.Pupil", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(_("what"), max_length=8, choices=Action.choices)
    on = models.DateField(_("date"))
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "recorded_at", "pk"]
        verbose_name = _("verwijsindex entry")

    def __str__(self) -> str:
        return f"Referral index {self.action} {self.on}"


class PlannedConversation(EncryptedModel):
    """The conversation with the parents (step 3), planned ahead.

    It is done once a conversation is recorded in the dossier after it was planned (see
    `haven.signalling.queries.with_state`), or when it is cancelled; only cancelling is stored.
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
        ordering = ["planned_at", "pk"]

    def __str__(self) -> str:
        return f"Planned conversation {self.pk}"

    @property
    def done(self) -> bool:
        """Held (a conversation recorded since it was planned: the `held` annotation) or cancelled."""
        return self.cancelled_at is not None or bool(getattr(self, "held", False))

    def participant_labels(self) -> list[str]:
        from haven.meldcode.models import Conversation

        labels = dict(Conversation.Participant.choices)
        return [str(labels[p]) for p in self.participants if p in labels]
