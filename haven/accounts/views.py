"""Sign-in, two-factor set-up and sessions, built on django-two-factor-auth."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from two_factor import views as two_factor_views

from haven.access.decorators import requires
from haven.accounts import services


class LoginView(two_factor_views.LoginView):
    redirect_authenticated_user = True


class ProfileView(two_factor_views.ProfileView):
    def get_context_data(self, **kwargs):  # type: ignore[no-untyped-def]
        context = super().get_context_data(**kwargs)
        actor = self.request.actor  # type: ignore[attr-defined]
        context["two_factor_required"] = actor is not None and actor.role in settings.HAVEN_TWO_FACTOR_ROLES
        return context


class BackupTokensView(two_factor_views.BackupTokensView):
    """New recovery codes are shown once, in the answer to the request that made them: Haven keeps only their HMAC."""

    def form_valid(self, form):  # type: ignore[no-untyped-def]
        codes = services.make_recovery_codes(self.request.user, self.number_of_tokens)  # type: ignore[arg-type]
        return self.render_to_response(self.get_context_data(form=form, codes=codes))


class DisableView(two_factor_views.DisableView):
    """Roles that must use two-factor sign-in cannot turn it off."""

    def dispatch(self, request, *args, **kwargs):  # type: ignore[no-untyped-def]
        actor = getattr(request, "actor", None)
        if actor is not None and actor.role in settings.HAVEN_TWO_FACTOR_ROLES:
            messages.error(request, _("Your role requires two-factor sign-in."))
            return redirect("two_factor:profile")
        return super().dispatch(request, *args, **kwargs)


@require_POST
@requires("account.manage")
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    services.sign_out_everywhere(request.user)  # type: ignore[arg-type]
    logout(request)
    messages.success(request, _("You have been signed out on every device."))
    return redirect("login")
