"""Handover (overdracht): concerns must not get lost when a pupil gets a new teacher or school.

`HandoverNotice`: a new teacher of a pupil with an open or recently closed dossier is told *that*
there is a dossier (never what it holds); the AF decides whether that teacher joins it.
`HandoverPackage`: what an AF chose to send along when the pupil moves to another school. The
package itself (PDF and JSON) is not stored: it is rendered from the dossier, as it stood when the
package was made, each time it is downloaded (see `haven.handover.schema`), so no second copy of
the dossier's text exists and a destroyed dossier takes its packages along.
`HandoverImport`: a dossier that came in as a package from another school, with where from.
`PendingImport`: a checked package whose pupil may be one the school already has, waiting for the
AF to say whether it is.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.infrastructure.encryption import EncryptedModel, EncryptedTextField

USER = settings.AUTH_USER_MODEL


class HandoverNotice(models.Model):
    class Decision(models.TextChoices):
        ADDED = "added", _("Added to the dossier")
        NOT_ADDED = "not_added", _("Not added to the dossier")

    school = models.ForeignKey("organisations.School", on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey("meldcode.Case", on_delete=models.CASCADE, related_name="handover_notices")
    teacher = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="handover_notices")
    group = models.ForeignKey("organisations.Group", null=True, on_delete=models.SET_NULL, related_name="+")
    school_year = models.CharField(max_length=9)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "teacher", "school_year"], name="one_notice_per_teacher_per_year")
        ]
        indexes = [models.Index(fields=["school", "decision"]), models.Index(fields=["teacher", "read_at"])]

    def __str__(self) -> str:
        return f"Handover notice {self.pk}"


class HandoverPackage(EncryptedModel):
    class Part(models.TextChoices):
        SIGNALS = "signals", _("Signals")
        CONSULTATIONS = "consultations", _("Consultations")
        CONVERSATIONS = "conversations", _("Conversations with the parents (and skipping them)")
        WEIGHING = "weighing", _("Weighing")
        DECISIONS = "decisions", _("Decisions")
        REPORTS = "reports", _("Reports to Veilig Thuis")

    school = models.ForeignKey("organisations.School", on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("meldcode.Case", on_delete=models.CASCADE, related_name="handover_packages")
    made_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)
    parts = models.JSONField(default=list)
    receiving_school = models.CharField(_("receiving school"), max_length=200, blank=True)
    # Signed into the package: only the school with this BRIN code can import it.
    receiving_school_brin = models.CharField(_("BRIN code of the receiving school"), max_length=6, blank=True)
    parents_informed = models.BooleanField(_("parents informed about the handover"))
    parents_informed_how = EncryptedTextField(_("how the parents were informed"), blank=True)
    not_informed_reason = EncryptedTextField(_("why the parents were not informed"), blank=True)

    class Meta:
        ordering = ["-made_at", "-pk"]

    def __str__(self) -> str:
        return f"Handover package {self.pk}"

    def part_labels(self) -> list[str]:
        labels = dict(self.Part.choices)
        return [str(labels[p]) for p in self.parts if p in labels]


class HandoverImport(EncryptedModel):
    """A dossier opened from another school's handover package: who sent it, and when."""

    school = models.ForeignKey("organisations.School", on_delete=models.PROTECT, related_name="+")
    case = models.OneToOneField("meldcode.Case", on_delete=models.CASCADE, related_name="handover_import")
    imported_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)
    sending_school_name = models.CharField(max_length=200)
    sending_school_brin = models.CharField(max_length=6)
    handed_over_on = models.DateField()
    # When the sending school made the package: with the BRIN code it names one package.
    package_created_at = models.DateTimeField()
    parts = models.JSONField(default=list)
    counts = models.JSONField(default=dict)
    pupil_created = models.BooleanField(default=False)
    parents_informed = models.BooleanField()
    parents_informed_how = EncryptedTextField(blank=True)
    not_informed_reason = EncryptedTextField(blank=True)
    # The installation whose signature was checked (see haven.handover.signing), as this Haven names it.
    signed_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-imported_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "sending_school_brin", "package_created_at"], name="one_import_per_package"
            )
        ]

    def __str__(self) -> str:
        return f"Handover import {self.pk}"


class PendingImport(EncryptedModel):
    """A package that passed every check, held until the AF says whether `candidate` is its pupil.

    The package is the dossier's content, so it is kept encrypted, and only until the AF decides:
    importing or cancelling removes it.
    """

    school = models.ForeignKey("organisations.School", on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    candidate = models.ForeignKey("pupils.Pupil", on_delete=models.CASCADE, related_name="+")
    sending_school_brin = models.CharField(max_length=6)
    package_created_at = models.DateTimeField()
    signed_by = models.CharField(max_length=200)
    content = EncryptedTextField()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "sending_school_brin", "package_created_at"], name="one_pending_import_per_package"
            )
        ]

    def __str__(self) -> str:
        return f"Pending handover import {self.pk}"


class Transfer(EncryptedModel):
    """A handover package sent in Haven to another Haven school, tracked until it is picked up.

    The sending AF makes the package as for the file route (`package`); the receiving school's AF
    accepts it (the dossier is imported exactly as an uploaded package is, `haven.handover.services`)
    or refuses it with a reason. Not picked up within five school days, it is overdue for both
    (`haven.handover.school_days`). The file package stays for schools outside Haven.
    """

    class Status(models.TextChoices):
        SENT = "sent", _("Waiting for the receiving school")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")

    package = models.OneToOneField(HandoverPackage, on_delete=models.CASCADE, related_name="transfer")
    sending_school = models.ForeignKey("organisations.School", on_delete=models.PROTECT, related_name="+")
    receiving_school = models.ForeignKey("organisations.School", on_delete=models.PROTECT, related_name="+")
    sent_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SENT)
    decided_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = EncryptedTextField(_("why the transfer is refused"), blank=True)
    # Accepted while the receiving school has a pupil of the same name and date of birth: the package
    # waits there until the AF says whether it is the same child (as an uploaded package does).
    pending = models.OneToOneField(
        PendingImport, null=True, blank=True, on_delete=models.SET_NULL, related_name="transfer"
    )
    # The dossier opened at the receiving school; the sending school sees only that it was accepted.
    received_case = models.OneToOneField(
        "meldcode.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="received_transfer"
    )

    class Meta:
        ordering = ["-sent_at", "-pk"]
        indexes = [
            models.Index(fields=["receiving_school", "status"]),
            models.Index(fields=["sending_school", "status"]),
        ]

    def __str__(self) -> str:
        return f"Transfer {self.pk}"
