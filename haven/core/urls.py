from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from haven.access.decorators import PUBLIC, requires
from haven.accounts import views as account_views
from haven.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("inloggen/", requires(PUBLIC)(account_views.LoginView.as_view()), name="login"),
    path("uitloggen/", requires(PUBLIC)(auth_views.LogoutView.as_view()), name="logout"),
    path("uitloggen/overal/", account_views.sign_out_everywhere, name="sign_out_everywhere"),
    path("account/", include("haven.accounts.urls")),
    # Django's own view: POST only, CSRF-checked, `next` limited to this site; sets the language cookie.
    path("taal/", requires(PUBLIC)(set_language), name="set_language"),
]
