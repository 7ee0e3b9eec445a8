"""Signals that come from outside the school or go out of it: Handle with Care police notices (with
the support tasks they give the pupil's teachers) and the school's entries in the verwijsindex
risicojongeren.

Records are written only by `haven.external_signals.services`, each write with its audit event.
References to a dossier or a signal cascade: when a dossier is destroyed after its retention term
(`haven.meldcode.services.destroy_case`), what hangs on it goes with it. The tables keep the names
they had in the former `signalling` app (see docs/architecture.md).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.infrastructure.encryption import EncryptedModel, EncryptedTextField

USER = settings.AUTH_USER_MODEL


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
        db_table = "signalling_supporttask"
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
        db_table = "signalling_referralindexentry"
        ordering = ["on", "recorded_at", "pk"]
        verbose_name = _("verwijsindex entry")

    def __str__(self) -> str:
        return f"Referral index {self.action} {self.on}"


class PoliceNoticeIntake(EncryptedModel):
    """A Handle with Care notice that reached Haven from outside (the police or the regional
    coordinator, through the API: `haven.api`), as the sender gave it.

    Haven matches it to a pupil of the school on name and date of birth; a match becomes the police
    notice (the signal and the support tasks) at once, as `services.record_police_notice` records
    one from the form. A notice that matches no pupil, or more than one, waits for the AF or the IB
    to match it by hand (`services.match_police_notice`), or to say that it is about no pupil of
    the school (`services.dismiss_police_notice`: then its name and date of birth are erased).
    One row per sender and the sender's own notice id: sending the same notice again returns this
    row (idempotent).
    """

    class Status(models.TextChoices):
        MATCHED = "matched", _("Matched to a pupil")
        WAITING = "waiting", _("Waiting to be matched by hand")
        MATCHED_BY_HAND = "matched_by_hand", _("Matched to a pupil by hand")
        NOT_OUR_PUPIL = "not_our_pupil", _("Not a pupil of this school")

    # Who sent it: the API key's organisation ("region:3"), so two senders' notice ids never collide.
    sender = models.CharField(max_length=40)
    sender_notice_id = models.CharField(max_length=100)
    school = models.ForeignKey("organisations.School", on_delete=models.PROTECT, related_name="+")
    # Who the notice is about, as the sender wrote it: encrypted, bound to the row.
    first_name = EncryptedTextField(_("first name"), max_length=100)
    last_name = EncryptedTextField(_("last name"), max_length=100)
    date_of_birth = EncryptedTextField(_("date of birth"), max_length=10)
    notice_date = models.DateField(_("date of the police notice"))
    status = models.CharField(max_length=16, choices=Status.choices)
    pupil = models.ForeignKey("pupils.Pupil", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signal = models.ForeignKey(
        "meldcode.Signal", null=True, blank=True, on_delete=models.SET_NULL, related_name="police_notice_intakes"
    )
    matched_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    matched_at = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["sender", "sender_notice_id"], name="one_intake_per_sender_notice")
        ]
        indexes = [models.Index(fields=["school", "status"])]

    def __str__(self) -> str:
        return f"Police notice intake {self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()
