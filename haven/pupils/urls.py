from django.urls import path

from haven.pupils import views

app_name = "pupils"
urlpatterns = [
    path("beheer/leerlingen/<int:pk>/broers-zussen/", views.siblings, name="siblings"),
]
