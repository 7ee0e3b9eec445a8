from django.contrib.auth import views as auth_views
from django.urls import path

from haven.access.decorators import PUBLIC, requires
from haven.core import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("inloggen/", requires(PUBLIC)(auth_views.LoginView.as_view(redirect_authenticated_user=True)), name="login"),
    path("uitloggen/", requires(PUBLIC)(auth_views.LogoutView.as_view()), name="logout"),
]
