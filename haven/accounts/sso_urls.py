"""Sign-in with the school's account (OpenID Connect). `terug/` is the redirect URI of every provider."""

from django.urls import path

from haven.access.decorators import PUBLIC, requires
from haven.accounts import sso_views

app_name = "sso"
urlpatterns = [
    path("start/<slug:slug>/", requires(PUBLIC)(sso_views.StartView.as_view()), name="start"),
    path("terug/", sso_views.callback, name="callback"),
    path("code/", sso_views.code, name="code"),
    path("uitgelogd/", sso_views.signed_out, name="signed_out"),
]
