from django.urls import path

from haven.tasks import views

app_name = "tasks"
urlpatterns = [
    path("taken/", views.mine, name="mine"),
]
