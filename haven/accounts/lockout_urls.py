from django.urls import path

from haven.accounts import lockout_views

app_name = "lockouts"
urlpatterns = [
    path("", lockout_views.lock_list, name="list"),
    path("<int:pk>/opheffen/", lockout_views.lift, name="lift"),
]
