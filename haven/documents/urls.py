from django.urls import path

from haven.documents import views

app_name = "documents"
urlpatterns = [
    path("dossiers/<int:pk>/chronologie.pdf", views.chronology, name="chronology"),
    path("dossiers/<int:pk>/melding.pdf", views.report, name="report"),
    path("gesprekken/<int:pk>/verslag.pdf", views.conversation, name="conversation"),
]
