from django.urls import path

from haven.organisations import views

app_name = "organisations"
urlpatterns = [
    path("leerlingen/", views.pupil_list, name="pupil_list"),
    path("leerlingen/nieuw/", views.pupil_create, name="pupil_create"),
    path("leerlingen/<int:pk>/", views.pupil_edit, name="pupil_edit"),
    path("leerlingen/<int:pk>/gezin/", views.household_add, name="household_add"),
    path("leerlingen/<int:pk>/gezin/<int:member_pk>/verwijderen/", views.household_remove, name="household_remove"),
    path("groepen/", views.group_list, name="group_list"),
    path("groepen/nieuw/", views.group_create, name="group_create"),
    path("groepen/<int:pk>/", views.group_edit, name="group_edit"),
    path("medewerkers/", views.staff_list, name="staff_list"),
    path("medewerkers/nieuw/", views.staff_create, name="staff_create"),
    path("medewerkers/<int:pk>/", views.staff_edit, name="staff_edit"),
    path("medewerkers/<int:pk>/wachtwoordlink/", views.staff_send_link, name="staff_send_link"),
    path("protocol/", views.protocol, name="protocol"),
]
