from django.urls import path

from haven.external_signals import views

app_name = "external_signals"
urlpatterns = [
    path("politiemelding/", views.police_notice, name="police_notice"),
    path("politiemelding/te-koppelen/", views.intake_list, name="intake_list"),
    path("politiemelding/te-koppelen/<int:pk>/", views.intake_match, name="intake_match"),
    path("politiemelding/te-koppelen/<int:pk>/geen-leerling/", views.intake_dismiss, name="intake_dismiss"),
    path("ondersteuning/<int:pk>/", views.support_task, name="support_task"),
    path("ondersteuning/<int:pk>/gedaan/", views.support_task_done, name="support_task_done"),
    path("dossiers/<int:pk>/verwijsindex/", views.referral_index, name="referral_index"),
    path("verwijsindex/", views.referral_index_list, name="referral_index_list"),
    path("verwijsindex/nieuw/", views.referral_index_create, name="referral_index_create"),
]
