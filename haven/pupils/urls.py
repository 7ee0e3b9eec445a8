from django.urls import path

from haven.pupils import import_views, views

app_name = "pupils"
urlpatterns = [
    path("beheer/leerlingen/<int:pk>/broers-zussen/", views.siblings, name="siblings"),
    path("beheer/leerlingen/importeren/", import_views.import_upload, name="import_upload"),
    path("beheer/leerlingen/importeren/kolommen/", import_views.import_mapping, name="import_mapping"),
    path("beheer/leerlingen/importeren/<int:pk>/", import_views.import_dry_run, name="import_dry_run"),
]
