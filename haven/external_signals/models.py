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
