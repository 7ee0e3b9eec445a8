from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from haven.access.labels import SCHOOL_ROLE_CHOICES
from haven.access.roles import Role


class User(AbstractUser):
    """A staff account. What it may do comes from its school memberships, not from Django flags."""

    # Optional: a number at which Veilig Thuis can reach the reporter (prefilled into the report).
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    # Part of the session hash: raising it ends every session of this user ("sign out everywhere").
    session_epoch = models.PositiveIntegerField(default=0, editable=False)
    # Optimistic locking of the edit form (haven.infrastructure.concurrency); db_default keeps bulk inserts working.
    version = models.PositiveIntegerField(default=1, db_default=1, editable=False)

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_session_auth_hash(self) -> str:
        return salted_hmac(
            "haven.accounts.User.session", f"{self.password}:{self.session_epoch}", algorithm="sha256"
        ).hexdigest()


class Membership(models.Model):
    """A user's place in one school, with exactly one role there."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    school = models.ForeignKey(
        "organisations.School", on_delete=models.CASCADE, related_name="memberships", verbose_name=_("school")
    )
    role = models.CharField(_("role"), max_length=32, choices=SCHOOL_ROLE_CHOICES)

    class Meta:
        ordering = ["school", "user"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "school"], name="one_membership_per_school")]

    def __str__(self) -> str:
        return f"{self.user} - {self.school} ({self.get_role_display()})"


class AnalystMembership(models.Model):
    """A policy officer's access to one board's, municipality's or region's aggregates (never a pupil)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="analyst_memberships", verbose_name=_("user")
    )
    board = models.ForeignKey(
        "organisations.Board",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("board"),
    )
    municipality = models.ForeignKey(
        "organisations.Municipality",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("municipality"),
    )
    region = models.ForeignKey(
        "insights.Region",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("region"),
    )

    class Meta:
        verbose_name = _("analyst membership")
        verbose_name_plural = _("analyst memberships")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(board__isnull=False, municipality__isnull=True, region__isnull=True)
                | models.Q(board__isnull=True, municipality__isnull=False, region__isnull=True)
                | models.Q(board__isnull=True, municipality__isnull=True, region__isnull=False),
                name="analyst_of_one_board_municipality_or_region",
            )
        ]

    @property
    def role(self) -> Role:
        if self.board_id:
            return Role.BOARD_ANALYST
        return Role.REGION_ANALYST if self.region_id else Role.MUNICIPALITY_ANALYST


class TOTPKey(models.Model):
    """The secret of one TOTP device, encrypted at rest and bound to that device (haven/accounts/totp.py).

    django-otp's own column `otp_totp_totpdevice.key` holds only a marker.
    """

    device = models.OneToOneField(
        "otp_totp.TOTPDevice", on_delete=models.CASCADE, primary_key=True, related_name="haven_key"
    )
    key = models.TextField()

    class Meta:
        verbose_name = _("two-factor key")
        verbose_name_plural = _("two-factor keys")


class AccountLink(models.Model):
    """A one-time link by e-mail with which a person sets their own password (invitation or reset).

    Only a hash of the token is stored: a database dump or backup holds no usable link.
    """

    class Purpose(models.TextChoices):
        INVITATION = "invitation", _("invitation")
        RESET = "reset", _("password reset")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_links", verbose_name=_("user")
    )
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"))
    expires_at = models.DateTimeField(_("expires at"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("account link")
        verbose_name_plural = _("account links")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.purpose}"


class RoleRequest(models.Model):
    """A change that could let an account read case content, waiting for a second pair of eyes.

    A role that reads case content, switching such an account back on, or a new e-mail address
    (where the account's password links go). Until an AF or school leader of the school approves
    it (or, for a school without either, the installation's operator with `manage.py
    confirm_role_grant`), nothing of it applies: the account keeps its old role (or none), stays
    off, and keeps its old address.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")
        WITHDRAWN = "withdrawn", _("withdrawn")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_requests", verbose_name=_("user")
    )
    school = models.ForeignKey(
        "organisations.School", on_delete=models.CASCADE, related_name="role_requests", verbose_name=_("school")
    )
    role = models.CharField(_("role"), max_length=32, choices=SCHOOL_ROLE_CHOICES)
    # Also switch the account back on: reactivating an account with such a role needs approval too.
    reactivate = models.BooleanField(_("reactivate"), default=False)
    # The new e-mail address the administrator typed; empty when the address stays.
    email = models.EmailField(_("new e-mail address"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "pk"]
        verbose_name = _("role request")
        verbose_name_plural = _("role requests")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "school"],
                condition=models.Q(status="pending"),
                name="one_pending_role_request_per_school",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} - {self.school} ({self.role}, {self.status})"


class IdentityProvider(models.Model):
    """A school's or board's OpenID Connect provider (Entra ID, Google Workspace, Entree Federatie).

    Its secret is never in the database: `secret_env` names the environment variable that holds it.
    It serves the schools listed and every school of its board (docs/sso.md).
    """

    slug = models.SlugField(_("identifier"), max_length=50, unique=True)
    name = models.CharField(_("name on the sign-in button"), max_length=100)
    issuer = models.URLField(_("issuer"), max_length=255)
    client_id = models.CharField(_("client id"), max_length=255)
    secret_env = models.CharField(_("environment variable with the client secret"), max_length=100)
    scopes = models.CharField(_("scopes"), max_length=200, default="openid email profile")
    # Values of the ID token's `amr` (any of them) or `acr` that mean the person used two factors.
    mfa_amr = models.CharField(_("amr values that count as two-factor"), max_length=200, blank=True)
    mfa_acr = models.CharField(_("acr values that count as two-factor"), max_length=500, blank=True)
    board = models.ForeignKey(
        "organisations.Board",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="identity_providers",
        verbose_name=_("board"),
    )
    schools = models.ManyToManyField(
        "organisations.School", blank=True, related_name="identity_providers", verbose_name=_("schools")
    )
    # The staff of the schools it serves sign in only with it: their password sign-in is refused.
    passwords_off = models.BooleanField(_("passwords turned off"), default=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("identity provider")
        verbose_name_plural = _("identity providers")

    def __str__(self) -> str:
        return self.name


class ExternalIdentity(models.Model):
    """The one identity (issuer, subject) at a provider that signs in to this account.

    Stored once, when the person first signs in with the provider from their invitation link; never
    made by signing in itself.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="external_identities", verbose_name=_("user")
    )
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    provider = models.ForeignKey(
        IdentityProvider, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("linked with")
    )
    linked_at = models.DateTimeField(_("linked at"))

    class Meta:
        verbose_name = _("school account")
        verbose_name_plural = _("school accounts")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="one_account_per_external_identity"),
            models.UniqueConstraint(fields=["user", "issuer"], name="one_external_identity_per_issuer"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.issuer}"
