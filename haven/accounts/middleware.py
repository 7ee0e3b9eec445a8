"""Session rules: an idle timeout, and two-factor sign-in for the roles that need it."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from haven.accounts import sso

LAST_SEEN = "haven_last_seen"
STARTED = "haven_started"


class SessionTimeoutMiddleware:
    """Signs out a session idle longer than HAVEN_SESSION_IDLE_MINUTES, or older than SESSION_COOKIE_AGE.

    Django would extend a session on every save; the start time kept in the session makes the
    lifetime absolute, whatever the activity.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(LAST_SEEN, now)
            started = request.session.setdefault(STARTED, now)
            idle = now - last_seen > settings.HAVEN_SESSION_IDLE_MINUTES * 60
            if idle or now - started > settings.SESSION_COOKIE_AGE:
                logout(request)
                messages.info(request, _("You were signed out because you were away for a while."))
                return redirect(f"{reverse('login')}?next={request.path}")
            request.session[LAST_SEEN] = now
        return self.get_response(request)


# Pages a person who still has to set up two-factor sign-in may open.
TWO_FACTOR_SETUP_PATHS = (
    "two_factor:setup",
    "two_factor:qr",
    "two_factor:setup_complete",
    "two_factor:backup_tokens",
    "logout",
)


class TwoFactorRequiredMiddleware:
    """Roles that see a whole school's dossiers (and the administrator) must sign in with a second factor.

    Their sign-in asks for the code once a device exists; until then every page sends them to
    set one up, so no case data is shown on a password alone.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        actor = getattr(request, "actor", None)
        # is_verified() is added to the user by django_otp's OTPMiddleware at runtime.
        # A sign-in with the school's account counts when its provider said two factors were used (haven.accounts.sso).
        if (
            actor is not None
            and actor.role in settings.HAVEN_TWO_FACTOR_ROLES
            and not request.user.is_verified()  # type: ignore[union-attr]
            and not sso.session_has_mfa(request)
        ):
            allowed = {reverse(name) for name in TWO_FACTOR_SETUP_PATHS}
            if request.path not in allowed:
                return redirect("two_factor:setup")
        return self.get_response(request)
