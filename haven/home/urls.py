from django.urls import path

from haven.home import views

urlpatterns = [
    path("", views.home, name="home"),
]
