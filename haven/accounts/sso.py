"""Signing in with the school's account: OpenID Connect through mozilla-django-oidc (docs/sso.md).

mozilla-django-oidc reads one provider from the settings; Haven has one per school or board
(`IdentityProvider`), so the backend below is configured from the provider of each sign-in. The
library does the authorization-code flow with PKCE, the token request and the signature, expiry
and nonce of the ID token; Haven adds the checks it leaves out (issuer, audience, subject;
`sso_rules.token_problem`) and never creates an account: an identity signs in only when it was
linked to an account before, through the person's own invitation link (`link_identity`).
"""

import logging
import os
from dataclasses import dataclass
from typing import Any

import jwt
import requests
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from haven.accounts import sso_rules
from haven.accounts.audit_actions import AccountAction
from haven.accounts.models import AccountLink, ExternalIdentity, IdentityProvider, User
from haven.audit.models import AuditEvent
from haven.audit.services import record_event
from haven.organisations.models import School

logger = logging.getLogger(__name__)

BACKEND = "haven.accounts.sso.SchoolAccountBackend"
# In the session of a sign-in with a provider that said two factors were used.
MFA_SESSION_KEY = "haven_sso_mfa"
PROVIDER_SESSION_KEY = "haven_sso_provider"
DISCOVERY_SECONDS = 3600
TIMEOUT_SECONDS = 10


class SignInRefused(Exception):
    """A sign-in with a provider that Haven refuses; `reason` goes into the audit log, never to the page."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Endpoints:
    authorization: str
    token: str
    jwks: str
    end_session: str


def discovery_cache_key(issuer: str) -> str:
    return f"haven.sso.discovery:{salted_hmac('haven.sso.discovery', issuer).hexdigest()[:24]}"


def endpoints(provider: IdentityProvider) -> Endpoints:
    """The provider's endpoints from its discovery document (cached for an hour per process)."""
    key = discovery_cache_key(provider.issuer)
    document = cache.get(key)
    if document is None:
        url = provider.issuer.rstrip("/") + "/.well-known/openid-configuration"
        try:
            response = requests.get(url, timeout=TIMEOUT_SECONDS)
            response.raise_for_status()
            document = response.json()
        except (requests.RequestException, ValueError) as e:
            raise SignInRefused("discovery") from e
        if not isinstance(document, dict) or document.get("issuer") != provider.issuer:
            raise SignInRefused("discovery")
        cache.set(key, document, DISCOVERY_SECONDS)
    try:
        return Endpoints(
            authorization=str(document["authorization_endpoint"]),
            token=str(document["token_endpoint"]),
            jwks=str(document["jwks_uri"]),
            end_session=str(document.get("end_session_endpoint") or ""),
        )
    except KeyError as e:
        raise SignInRefused("discovery") from e


def client_secret(provider: IdentityProvider) -> str:
    secret = os.environ.get(provider.secret_env, "")
    if not secret:
        logger.error("The environment variable %s with the client secret of %s is empty", provider.secret_env, provider)
        raise SignInRefused("secret")
    return secret


def active_providers() -> QuerySet[IdentityProvider]:
    return IdentityProvider.objects.filter(active=True)


def schools_served(provider: IdentityProvider) -> QuerySet[School]:
    return School.objects.filter(Q(identity_providers=provider) | Q(board__identity_providers=provider)).distinct()


def providers_for_user(user: User) -> QuerySet[IdentityProvider]:
    """The active providers that serve a school where `user` works."""
    school_ids = user.memberships.values("school_id")
    board_ids = user.memberships.values("school__board_id")
    return active_providers().filter(Q(schools__in=school_ids) | Q(board__in=board_ids)).distinct()


def passwords_off_for(user: User) -> list[IdentityProvider]:
    """The providers that turned off password sign-in for a school where `user` works (empty: passwords allowed)."""
    return list(providers_for_user(user).filter(passwords_off=True))


def serves(provider: IdentityProvider, user: User) -> bool:
    return providers_for_user(user).filter(pk=provider.pk).exists()


def mfa_asserted(provider: IdentityProvider, claims: dict[str, Any]) -> bool:
    return sso_rules.mfa_asserted(
        claims, sso_rules.parse_values(provider.mfa_amr), sso_rules.parse_values(provider.mfa_acr)
    )


def session_has_mfa(request: HttpRequest) -> bool:
    """Whether this session was signed in with a provider that said two factors were used."""
    from django.contrib.auth import BACKEND_SESSION_KEY

    session = request.session
    return bool(session.get(MFA_SESSION_KEY)) and session.get(BACKEND_SESSION_KEY) == BACKEND


def subject_reference(issuer: str, subject: str) -> str:
    """What the audit log keeps of an identity that is no account here: a keyed hash, never the subject."""
    return salted_hmac("haven.sso.subject", f"{issuer}\n{subject}").hexdigest()[:16]


class SchoolAccountBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend, configured per sign-in from one `IdentityProvider`.

    Listed in AUTHENTICATION_BACKENDS so that Django finds the user of such a session again; a
    password sign-in never reaches it (it answers only the callback's `provider`).
    """

    def __init__(self, provider: IdentityProvider | None = None) -> None:
        # Not the library's __init__: that reads one provider from the settings.
        self.UserModel = User
        self.provider = provider
        self.claims: dict[str, Any] = {}
        if provider is not None:
            points = endpoints(provider)
            self.OIDC_OP_TOKEN_ENDPOINT = points.token
            self.OIDC_OP_USER_ENDPOINT = ""
            self.OIDC_OP_JWKS_ENDPOINT = points.jwks
            self.OIDC_RP_CLIENT_ID = provider.client_id
            self.OIDC_RP_CLIENT_SECRET = client_secret(provider)
            self.OIDC_RP_SIGN_ALGO = "RS256"
            self.OIDC_RP_IDP_SIGN_KEY = None

    def get_settings(self, attr: str, *args: Any) -> Any:
        fixed: dict[str, Any] = {
            "OIDC_AUTHENTICATION_CALLBACK_URL": "sso:callback",
            "OIDC_USE_NONCE": True,
            "OIDC_CREATE_USER": False,
            "OIDC_STORE_ACCESS_TOKEN": False,
            "OIDC_STORE_ID_TOKEN": False,
            "OIDC_TIMEOUT": TIMEOUT_SECONDS,
            "OIDC_VERIFY_SSL": True,
            "OIDC_ALLOW_UNSECURED_JWT": False,
            "OIDC_TOKEN_USE_BASIC_AUTH": False,
        }
        if attr in fixed:
            return fixed[attr]
        if attr == "OIDC_RP_SCOPES" and self.provider is not None:
            return self.provider.scopes
        return super().get_settings(attr, *args)

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        if self.provider is None or request is None:
            return None  # a password sign-in, or anything but the callback
        try:
            return super().authenticate(request, **kwargs)
        except requests.RequestException as e:
            raise SignInRefused("provider") from e

    def verify_token(self, token: Any, **kwargs: Any) -> Any:
        """The library's check (signature, expiry, nonce), with its errors as a refusal."""
        if not isinstance(token, str) or not token:
            raise SignInRefused("token")
        try:
            return super().verify_token(token, **kwargs)
        except (jwt.PyJWTError, SuspiciousOperation, KeyError, ValueError) as e:
            raise SignInRefused("token") from e

    def get_or_create_user(self, access_token: Any, id_token: Any, payload: dict[str, Any]) -> User | None:
        """The account linked to this (issuer, subject), or None: never a new account."""
        assert self.provider is not None
        problem = sso_rules.token_problem(payload, issuer=self.provider.issuer, client_id=self.provider.client_id)
        if problem is not None:
            raise SignInRefused(problem)
        self.claims = payload
        identity = (
            ExternalIdentity.objects.select_related("user")
            .filter(issuer=self.provider.issuer, subject=payload["sub"])
            .first()
        )
        return identity.user if identity is not None else None

    def get_user(self, user_id: Any) -> User | None:
        user = ModelBackend.get_user(self, user_id)
        return user if isinstance(user, User) else None


def refuse(provider: IdentityProvider | None, reason: str, claims: dict[str, Any] | None = None) -> None:
    detail: dict[str, Any] = {"provider": provider.slug if provider else "", "reason": reason}
    if claims and isinstance(claims.get("sub"), str) and provider is not None:
        detail["identity"] = subject_reference(provider.issuer, claims["sub"])
    record_event(None, AccountAction.SSO_REFUSED, outcome=AuditEvent.Outcome.DENIED, detail=detail)


def account_for(provider: IdentityProvider, user: User | None, claims: dict[str, Any]) -> User:
    """The account this linked identity signs in to, checked: active and working at a school the provider serves."""
    if user is None:
        raise SignInRefused("unknown identity")
    if not user.is_active:
        raise SignInRefused("inactive account")
    if not serves(provider, user):
        raise SignInRefused("not served by this provider")
    return user


@transaction.atomic
def link_identity(provider: IdentityProvider, link_hash: str, claims: dict[str, Any]) -> User:
    """The person signed in with the provider from their invitation link: the identity is stored for their account.

    The link is used up (as when a password is chosen with it). Refused when the link is no longer
    valid, when the provider does not serve the person's school, or when the account already has an
    identity at this issuer or the identity belongs to another account.
    """
    from haven.accounts import invitations

    link = invitations.valid_link_by_hash(link_hash)
    if link is not None:
        link = AccountLink.objects.select_for_update().filter(pk=link.pk, used_at__isnull=True).first()
    if link is None:
        raise SignInRefused("link no longer valid")
    user = link.user
    if not serves(provider, user):
        raise SignInRefused("not served by this provider")
    if ExternalIdentity.objects.filter(user=user, issuer=provider.issuer).exists():
        raise SignInRefused("account already linked")
    try:
        with transaction.atomic():
            ExternalIdentity.objects.create(
                user=user, issuer=provider.issuer, subject=claims["sub"], provider=provider, linked_at=timezone.now()
            )
    except IntegrityError as e:
        raise SignInRefused("identity linked to another account") from e
    link.used_at = timezone.now()
    link.save(update_fields=["used_at"])
    record_event(
        None,
        AccountAction.SSO_LINKED,
        obj=user,
        detail={"username": user.username, "provider": provider.slug, "via": link.purpose},
    )
    return user


@transaction.atomic
def unlink_identities(user: User) -> int:
    """Remove the account's linked school accounts (the `sso_unlink` command): the person links again from a
    new invitation. Returns how many were removed; one audit event."""
    issuers = sorted(ExternalIdentity.objects.filter(user=user).values_list("issuer", flat=True))
    removed, _counts = ExternalIdentity.objects.filter(user=user).delete()
    record_event(None, AccountAction.SSO_UNLINKED, obj=user, detail={"username": user.username, "issuers": issuers})
    return removed


def needs_haven_code(user: User, *, mfa: bool) -> bool:
    """Whether Haven's own second step follows the provider's sign-in: when the provider did not say
    two factors were used and the person has an authenticator in Haven. (A role that must use two
    factors and has none yet is sent to set one up, as after a password.)"""
    from two_factor.utils import default_device

    return not mfa and default_device(user) is not None


@transaction.atomic
def save_provider(
    *,
    slug: str,
    name: str,
    issuer: str,
    client_id: str,
    secret_env: str,
    schools: list[School],
    board: Any = None,
    scopes: str = "openid email profile",
    mfa_amr: str = "",
    mfa_acr: str = "",
    passwords_off: bool = False,
    active: bool = True,
) -> IdentityProvider:
    """Create or change a provider (the `sso_provider` command); one audit event."""
    provider, created = IdentityProvider.objects.update_or_create(
        slug=slug,
        defaults={
            "name": name,
            "issuer": issuer,
            "client_id": client_id,
            "secret_env": secret_env,
            "scopes": scopes,
            "mfa_amr": mfa_amr,
            "mfa_acr": mfa_acr,
            "board": board,
            "passwords_off": passwords_off,
            "active": active,
        },
    )
    provider.schools.set(schools)
    record_event(
        None,
        AccountAction.SSO_PROVIDER_SAVED,
        obj=provider,
        detail={
            "provider": slug,
            "created": created,
            "issuer": issuer,
            "schools": sorted(s.brin_code for s in schools),
            "board": board.pk if board is not None else None,
            "passwords_off": passwords_off,
            "active": active,
        },
    )
    return provider
