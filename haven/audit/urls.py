from django.urls import path

from haven.audit import views

app_name = "audit"
urlpatterns = [
    path("dossiers/<int:pk>/inzage-log/", views.case_access_log, name="case_access_log"),
]
