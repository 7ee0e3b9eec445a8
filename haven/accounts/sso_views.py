"""Sign-in with the school's account: the start, the provider's answer, and Haven's own second step.

Built on mozilla-django-oidc's views (haven/accounts/sso.py has the provider-specific backend).
One redirect URI serves every provider (`sso:callback`); the provider of a sign-in is kept with its
state in the session, so an answer can only be for the sign-in this browser started.
"""

import time
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

from django.contrib import auth, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django.views.generic import View
from mozilla_django_oidc.views import OIDCAuthenticationRequestView
from two_factor.forms import AuthenticationTokenForm, BackupTokenForm
from two_factor.utils import default_device

from haven.access.decorators import PUBLIC, requires
from haven.accounts import sso
from haven.accounts.audit_actions import AccountAction
from haven.accounts.models import IdentityProvider, User
from haven.audit.models import AuditEvent
from haven.audit.services import record_event

STATES = "oidc_states"
# The person who signed in with a provider and still owes Haven's second step, and since when.
PENDING_SESSION_KEY = "haven_sso_pending"
PENDING_SECONDS = 300
LINK_PARAMETER = "koppelen"
# After signing out of a session started with a school account: the provider's sign-out address.
END_SESSION_KEY = "haven_sso_end_session"


class StartView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider (authorization code with PKCE, state and nonce)."""

    provider: IdentityProvider

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # not the library's: it reads one provider from the settings

    def get_settings(self, attr: str, *args: Any) -> Any:
        fixed: dict[str, Any] = {
            "OIDC_RP_SCOPES": self.provider.scopes,
            "OIDC_AUTHENTICATION_CALLBACK_URL": "sso:callback",
            "OIDC_USE_NONCE": True,
            "OIDC_USE_PKCE": True,
            "OIDC_AUTH_REQUEST_EXTRA_PARAMS": {},
        }
        return fixed[attr] if attr in fixed else super().get_settings(attr, *args)

    def get(self, request: HttpRequest, slug: str) -> HttpResponse:
        from haven.accounts.views import LINK_SESSION_KEY

        self.provider = get_object_or_404(sso.active_providers(), slug=slug)
        try:
            self.OIDC_OP_AUTH_ENDPOINT = sso.endpoints(self.provider).authorization
        except sso.SignInRefused as e:
            sso.refuse(self.provider, e.reason)
            return _failure(request, status=503)
        self.OIDC_RP_CLIENT_ID = self.provider.client_id
        response = super().get(request)
        state = parse_qs(urlparse(response["Location"]).query)["state"][0]
        entry = request.session[STATES][state]
        entry["provider"] = self.provider.pk
        # From the invitation page: this sign-in may link the identity to the invited account.
        if request.GET.get(LINK_PARAMETER) and request.session.get(LINK_SESSION_KEY):
            entry["link"] = request.session[LINK_SESSION_KEY]
        request.session.modified = True
        return response


def _failure(request: HttpRequest, *, status: int = 403, unknown: bool = False) -> HttpResponse:
    return render(request, "accounts/sso/refused.html", {"unknown": unknown}, status=status)


def _next_url(request: HttpRequest) -> str:
    from django.conf import settings
    from django.shortcuts import resolve_url

    return request.session.pop("oidc_login_next", None) or resolve_url(settings.LOGIN_REDIRECT_URL)


def _sign_in(request: HttpRequest, user: User, provider: IdentityProvider, *, mfa: bool) -> HttpResponse:
    next_url = _next_url(request)
    if request.user.is_authenticated and request.user.pk != user.pk:
        auth.logout(request)
    auth.login(request, user, backend=sso.BACKEND)
    request.session[sso.PROVIDER_SESSION_KEY] = provider.pk
    request.session[sso.MFA_SESSION_KEY] = mfa
    return HttpResponseRedirect(next_url)


@requires(PUBLIC)
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """The provider's answer: the code is exchanged, the ID token checked, the account found (never made)."""
    state = request.GET.get("state", "")
    states = request.session.get(STATES)
    entry = states.pop(state, None) if isinstance(states, dict) and state else None
    if entry is None:
        # No sign-in of this browser waits for this answer: a replay, a forged state, or an old tab.
        sso.refuse(None, "state")
        return _failure(request, status=400)
    request.session.modified = True
    provider = IdentityProvider.objects.filter(pk=entry.get("provider"), active=True).first()
    if provider is None:
        sso.refuse(None, "provider")
        return _failure(request, status=400)
    if request.GET.get("error") or not request.GET.get("code"):
        sso.refuse(provider, "provider error")
        return _failure(request)
    backend = None
    try:
        backend = sso.SchoolAccountBackend(provider)
        user = backend.authenticate(request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier"))
        claims = backend.claims
        if user is None and entry.get("link"):
            user = sso.link_identity(provider, entry["link"], claims)
            from haven.accounts.views import LINK_SESSION_KEY

            request.session.pop(LINK_SESSION_KEY, None)
        user = sso.account_for(provider, user, claims)
    except sso.SignInRefused as e:
        sso.refuse(provider, e.reason, backend.claims if backend is not None else None)
        return _failure(request, unknown=e.reason == "unknown identity")
    mfa = sso.mfa_asserted(provider, claims)
    if sso.needs_haven_code(user, mfa=mfa):
        if request.user.is_authenticated:
            auth.logout(request)
        request.session[PENDING_SESSION_KEY] = {"user": user.pk, "provider": provider.pk, "at": time.time()}
        return redirect("sso:code")
    return _sign_in(request, user, provider, mfa=mfa)


@requires(PUBLIC)
def code(request: HttpRequest) -> HttpResponse:
    """Haven's own second step after a provider that did not say two factors were used."""
    pending = request.session.get(PENDING_SESSION_KEY)
    user = provider = None
    if isinstance(pending, dict) and time.time() - float(pending.get("at", 0)) < PENDING_SECONDS:
        user = User.objects.filter(pk=int(pending["user"]), is_active=True).first()
        provider = IdentityProvider.objects.filter(pk=int(pending["provider"]), active=True).first()
    if user is None or provider is None:
        request.session.pop(PENDING_SESSION_KEY, None)
        messages.info(request, _("Signing in took too long. Start again."))
        return redirect("login")
    backup = request.GET.get("herstelcode") == "1"
    form_class = BackupTokenForm if backup else AuthenticationTokenForm
    form = form_class(user, default_device(user), data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            device = user.otp_device  # type: ignore[attr-defined]  # set by the form's clean_otp
            request.session.pop(PENDING_SESSION_KEY, None)
            response = _sign_in(request, user, provider, mfa=False)
            from django_otp import login as otp_login

            otp_login(request, device)
            return response
        record_event(
            None,
            AccountAction.SSO_CODE_FAILED,
            outcome=AuditEvent.Outcome.DENIED,
            obj=user,
            detail={"username": user.username, "provider": provider.slug},
        )
    return render(request, "accounts/sso/code.html", {"form": form, "backup": backup, "provider": provider})


@requires(PUBLIC)
def signed_out(request: HttpRequest) -> HttpResponse:
    """Signed out of Haven; one click signs out at the school's account too (RP-initiated logout)."""
    end_session = request.session.get(END_SESSION_KEY)
    if not isinstance(end_session, str) or request.user.is_authenticated:
        return redirect("login")
    return render(request, "accounts/sso/signed_out.html", {"end_session": end_session})


def end_session_url(request: HttpRequest, provider_id: int | None) -> str | None:
    """Where to send the browser after Haven's sign-out so that the provider signs out too (RP-initiated logout)."""
    provider = IdentityProvider.objects.filter(pk=provider_id).first() if provider_id else None
    if provider is None:
        return None
    try:
        end_session = sso.endpoints(provider).end_session
    except sso.SignInRefused:
        return None
    if not end_session:
        return None
    from django.urls import reverse

    query = urlencode(
        {"client_id": provider.client_id, "post_logout_redirect_uri": request.build_absolute_uri(reverse("login"))}
    )
    return f"{end_session}{'&' if '?' in end_session else '?'}{query}"
