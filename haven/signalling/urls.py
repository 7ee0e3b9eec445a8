from django.urls import path

from haven.signalling import views

app_name = "signalling"
urlpatterns = [
    path("politiemelding/", views.police_notice, name="police_notice"),
    path("ondersteuning/<int:pk>/", views.support_task, name="support_task"),
    path("ondersteuning/<int:pk>/gedaan/", views.support_task_done, name="support_task_done"),
    path("dossiers/<int:pk>/verwijsindex/", views.referral_index, name="referral_index"),
    path("verwijsindex/", views.referral_index_list, name="referral_index_list"),
    path("verwijsindex/nieuw/", views.referral_index_create, name="referral_index_create"),
    path("dossiers/<int:pk>/gesprek-plannen/", views.conversation_plan, name="conversation_plan"),
    path("geplande-gesprekken/<int:pk>/annuleren/", views.conversation_plan_cancel, name="conversation_plan_cancel"),
    path("beheer/leerlingen/<int:pk>/broers-zussen/", views.siblings, name="siblings"),
]
