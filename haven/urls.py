from django.urls import include, path
from django.views.i18n import set_language

from haven.access.decorators import PUBLIC, requires
from haven.accounts import views as account_views
from haven.infrastructure import health

urlpatterns = [
    path("", include("haven.followup.urls")),
    path("", include("haven.external_signals.urls")),
    path("", include("haven.pupils.urls")),
    path("", include("haven.documents.urls")),
    path("", include("haven.handover.urls")),
    path("", include("haven.tasks.urls")),
    path("", include("haven.home.urls")),
    path("healthz", health.healthz, name="healthz"),
    path("inloggen/", requires(PUBLIC)(account_views.LoginView.as_view()), name="login"),
    path("uitloggen/", requires(PUBLIC)(account_views.LogoutView.as_view()), name="logout"),
    path("uitloggen/overal/", account_views.sign_out_everywhere, name="sign_out_everywhere"),
    path("account/", include("haven.accounts.urls")),
    path("inloggen/sso/", include("haven.accounts.sso_urls")),
    # Django's own view: POST only, CSRF-checked, `next` limited to this site; sets the language cookie.
    path("taal/", requires(PUBLIC)(set_language), name="set_language"),
    path("", include("haven.accounts.staff_urls")),
    path("", include("haven.meldcode.urls")),
    path("", include("haven.audit.urls")),
    path("", include("haven.disclosure.urls")),
    path("beheer/aanmeldblokkades/", include("haven.accounts.lockout_urls")),
    path("beheer/", include("haven.organisations.urls")),
    path("", include("haven.insights.urls")),
    path("api/v1/", include("haven.api.urls")),
    path("beheer/api-sleutels/", include("haven.api.key_urls")),
]

# A database outage answers 503 "temporarily unavailable" instead of 500 (haven/infrastructure/errors.py).
handler400 = "haven.infrastructure.errors.bad_request"
handler500 = "haven.infrastructure.errors.server_error"
