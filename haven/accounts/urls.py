"""Account pages. The namespace is django-two-factor-auth's, whose views reverse these names."""

from django.urls import path
from two_factor import views as two_factor_views

from haven.access.decorators import requires
from haven.accounts import views

app_name = "two_factor"
urlpatterns = [
    path("instellen/", requires("account.manage")(two_factor_views.SetupView.as_view()), name="setup"),
    path("qr-code/", requires("account.manage")(two_factor_views.QRGeneratorView.as_view()), name="qr"),
    path(
        "ingesteld/",
        requires("account.manage")(two_factor_views.SetupCompleteView.as_view()),
        name="setup_complete",
    ),
    path(
        "herstelcodes/",
        requires("account.manage")(views.BackupTokensView.as_view()),
        name="backup_tokens",
    ),
    path("", requires("account.manage")(views.ProfileView.as_view()), name="profile"),
    path("uitzetten/", requires("account.manage")(views.DisableView.as_view()), name="disable"),
]
