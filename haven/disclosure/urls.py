from django.urls import path

from haven.disclosure import views

app_name = "disclosure"
urlpatterns = [
    path("leerlingen/<int:pk>/inzage/", views.prepare, name="prepare"),
    path("inzage/<int:pk>/", views.export, name="export"),
]
