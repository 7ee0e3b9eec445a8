"""One's own password by a one-time link (anonymous), and the approval of roles that read case content."""

from django.urls import path

from haven.accounts import views

app_name = "accounts"
urlpatterns = [
    path("wachtwoord/vergeten/", views.password_forgotten, name="password_forgotten"),
    path("wachtwoord/instellen/", views.password_link, name="password_set"),
    path("wachtwoord/instellen/<str:token>/", views.password_link, name="password_link"),
    path("goedkeuringen/", views.role_request_list, name="role_requests"),
    path("goedkeuringen/<int:pk>/", views.role_request_decide, name="role_request_decide"),
]
