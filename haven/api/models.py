"""API keys per organisation, and the counters of their rate limit.

Written only by `haven.api.services` (a key) and `haven.api.limits` (the counters).
"""

import functools
import operator

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from haven.api.scopes import OrganisationKind

USER = settings.AUTH_USER_MODEL
# The organisation fields, each named as the kind of key it belongs to.
ORGANISATION_FIELDS = ("school", "board", "municipality", "region")


class ApiKey(models.Model):
    """A key of one organisation with its scopes. Only the hash of the key is stored: the key itself
    is shown once, when it is made. A revoked key answers 401 like an unknown one."""

    name = models.CharField(_("name"), max_length=100, help_text=_("Who uses it, e.g. “Politie Zonnedal”."))
    kind = models.CharField(max_length=16, choices=[(k.value, k.value) for k in OrganisationKind])
    school = models.ForeignKey(
        "organisations.School", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    board = models.ForeignKey("organisations.Board", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    municipality = models.ForeignKey(
        "organisations.Municipality", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey("insights.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    scopes = models.JSONField(default=list)
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    # The key's own account: the author of the signals it sends (inactive, no password, no school).
    account = models.OneToOneField(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="api_key")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                # Exactly the organisation of its kind is set, the other three are empty.
                condition=functools.reduce(
                    operator.or_,
                    (
                        models.Q(kind=kind, **{f"{field}__isnull": field != kind for field in ORGANISATION_FIELDS})
                        for kind in ORGANISATION_FIELDS
                    ),
                ),
                name="api_key_one_organisation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def organisation_id(self) -> int:
        org_id = {"school": self.school_id, "board": self.board_id, "municipality": self.municipality_id}.get(
            self.kind, self.region_id
        )
        assert org_id is not None
        return org_id

    @property
    def sender(self) -> str:
        """The organisation, as the idempotency of the intake names it: "region:3"."""
        return f"{self.kind}:{self.organisation_id}"

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes


class ApiRateWindow(models.Model):
    """How many calls a key made in one window (a minute): the rate limit's counter."""

    key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="+")
    starts_at = models.DateTimeField()
    calls = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "starts_at"], name="one_rate_window_per_key")]
