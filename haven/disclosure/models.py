"""A parents' access request answered: what was shown, and what was withheld and why.

The export itself is not stored: it is rendered from the route data each time it is read, limited
to the items the AF reviewed (`items`) as they stood at `made_at`. So no second copy of the
dossier's text exists, and a dossier destroyed after its retention term is gone from the export too.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.infrastructure.encryption import EncryptedJSONField, EncryptedModel, EncryptedTextField


class Disclosure(EncryptedModel):
    school = models.ForeignKey("organisations.School", on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey("pupils.Pupil", on_delete=models.PROTECT, related_name="disclosures")
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)
    # Every item id the AF reviewed ("signal-12", "household-3", ...): items added later are not shown.
    items = models.JSONField(default=list)
    # Item id -> the reason it is withheld.
    withheld = EncryptedJSONField(default=dict)
    reporter_identity_withheld = models.BooleanField(_("identity of the person who raised the concern withheld"))
    reporter_reason = EncryptedTextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-made_at", "-pk"]
        verbose_name = _("access for parents")
        verbose_name_plural = _("accesses for parents")

    def __str__(self) -> str:
        return f"Disclosure {self.pk}"
