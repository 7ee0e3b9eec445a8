"""Sign-in, two-factor set-up and sessions (built on django-two-factor-auth); one's own password; role approvals."""

import logging
import smtplib
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from two_factor import views as two_factor_views

from haven.access.decorators import PUBLIC, requires
from haven.access.http import ActorRequest, HavenRequest
from haven.access.labels import ROLE_LABELS
from haven.accounts import invitations, role_requests, services, sso, sso_views
from haven.accounts.forms import OwnPasswordForm, PasswordSignInForm, ResetRequestForm
from haven.infrastructure.forms import apply_errors

logger = logging.getLogger(__name__)


class LoginView(two_factor_views.LoginView):
    redirect_authenticated_user = True
    form_list = (
        (two_factor_views.LoginView.AUTH_STEP, PasswordSignInForm),
        *two_factor_views.LoginView.form_list[1:],
    )

    def get_context_data(self, form: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(form, **kwargs)
        context["sso_providers"] = list(sso.active_providers())
        return context


class LogoutView(auth_views.LogoutView):
    """Django's sign-out (POST only); after a sign-in with a school account, the provider's sign-out follows."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        provider_id = request.session.get(sso.PROVIDER_SESSION_KEY) if request.user.is_authenticated else None
        response = super().post(request, *args, **kwargs)
        end_session = sso_views.end_session_url(request, provider_id)
        if end_session is None:
            return response
        # Not a redirect to the provider: the CSP's form-action 'self' rightly stops a form's redirect
        # to another site. A page of Haven's own links on to the provider's sign-out.
        request.session[sso_views.END_SESSION_KEY] = end_session
        return redirect("sso:signed_out")


class ProfileView(two_factor_views.ProfileView):
    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        actor = self.request.actor
        context["two_factor_required"] = actor is not None and actor.role in settings.HAVEN_TWO_FACTOR_ROLES
        return context


class BackupTokensView(two_factor_views.BackupTokensView):
    """New recovery codes are shown once, in the answer to the request that made them: Haven keeps only their HMAC."""

    def form_valid(self, form: Any) -> HttpResponse:
        codes = services.make_recovery_codes(self.request.user, self.number_of_tokens)
        return self.render_to_response(self.get_context_data(form=form, codes=codes))


class DisableView(two_factor_views.DisableView):
    """Roles that must use two-factor sign-in cannot turn it off."""

    def dispatch(self, request: HavenRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        actor = getattr(request, "actor", None)
        if actor is not None and actor.role in settings.HAVEN_TWO_FACTOR_ROLES:
            messages.error(request, _("Your role requires two-factor sign-in."))
            return redirect("two_factor:profile")
        return super().dispatch(request, *args, **kwargs)


@require_POST
@requires("account.manage")
def sign_out_everywhere(request: ActorRequest) -> HttpResponse:
    services.sign_out_everywhere(request.user)
    logout(request)
    messages.success(request, _("You have been signed out on every device."))
    return redirect("login")


# --- Setting one's own password with a link ------------------------------------------------------

# The token moves from the address into the session on the first request, so it is not left in the
# browser's history or sent on as a referrer from the page where the password is typed. The session
# keeps only the token's SHA-256 (as the link table does): django_session is readable in the database.
LINK_SESSION_KEY = "haven_account_link_hash"


@requires(PUBLIC)
def password_link(request: HttpRequest, token: str | None = None) -> HttpResponse:
    if token is not None:
        request.session[LINK_SESSION_KEY] = invitations.token_hash(token)
        return redirect("accounts:password_set")
    digest = request.session.get(LINK_SESSION_KEY, "")
    link = invitations.valid_link_by_hash(digest)
    if link is None:
        return render(request, "accounts/link_invalid.html", status=404)
    # The school's own accounts: signing in with one from here links it to this account (haven.accounts.sso).
    providers = list(sso.providers_for_user(link.user))
    passwords_off = any(p.passwords_off for p in providers)
    if passwords_off and request.method == "POST":
        messages.error(request, _("Your school signs in with its own accounts, not with a password."))
        return redirect("accounts:password_set")
    form = OwnPasswordForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            invitations.set_password_with_link_hash(digest, form.cleaned_data["password1"])
        except ValidationError as e:
            apply_errors(form, e, field="password1")
        else:
            request.session.pop(LINK_SESSION_KEY, None)
            if request.user.is_authenticated:
                logout(request)
            messages.success(
                request,
                _(
                    "Your password has been set. Sign in with it. If your role asks for it, Haven then helps "
                    "you set up the second step of signing in."
                ),
            )
            return redirect("login")
    return render(
        request,
        "accounts/password_set.html",
        {"form": form, "sso_providers": providers, "passwords_off": passwords_off},
    )


@requires(PUBLIC)
def password_forgotten(request: HttpRequest) -> HttpResponse:
    """The same answer whether or not the account exists: the page tells nobody who has an account."""
    form = ResetRequestForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            invitations.request_reset(form.cleaned_data["username"])
        except (smtplib.SMTPException, OSError):
            logger.exception("A password-reset link could not be sent")
        return render(request, "accounts/password_forgotten.html", {"form": None, "sent": True})
    return render(request, "accounts/password_forgotten.html", {"form": form, "sent": False})


# --- Approving roles that read case content (four eyes) --------------------------------------------


@requires("staff.approve_role")
def role_request_list(request: ActorRequest) -> HttpResponse:
    requests = list(role_requests.requests_to_decide(request.actor))
    return render(request, "accounts/role_requests.html", {"requests": requests})


@requires("staff.approve_role")
@require_POST
def role_request_decide(request: ActorRequest, pk: int) -> HttpResponse:
    role_request = get_object_or_404(role_requests.requests_to_decide(request.actor), pk=pk)
    decision = request.POST.get("decision")
    if decision not in ("approve", "refuse"):
        messages.error(request, _("Choose whether you approve or refuse the request."))
        return redirect("accounts:role_requests")
    try:
        if decision == "approve":
            # The address the approver's page showed: refused when the account's changed since.
            shown = request.POST.get("email", "")
            role_requests.approve(request.actor, role_request.pk, shown_email=shown)
        else:
            role_requests.refuse(request.actor, role_request.pk)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    except (smtplib.SMTPException, OSError):
        logger.exception("The invitation after an approval could not be sent")
        messages.error(request, _("The invitation could not be sent. Nothing has been approved; try again later."))
    else:
        values = {"name": role_request.user, "role": ROLE_LABELS[role_request.role]}
        if decision == "approve":
            values["email"] = role_requests.address_for(role_request)
            messages.success(
                request,
                _(
                    "%(name)s is now %(role)s. To start afresh, the account's password and second step have been "
                    "reset, and an invitation has been sent to %(email)s."
                )
                % values,
            )
        else:
            messages.success(request, _("The request to make %(name)s %(role)s has been refused.") % values)
    return redirect("accounts:role_requests")
