from django.urls import path

from haven.meldcode import views

app_name = "meldcode"
urlpatterns = [
    path("signalen/", views.signal_list, name="signal_list"),
    path("signalen/nieuw/", views.signal_create, name="signal_create"),
    path("signalen/<int:pk>/", views.signal_detail, name="signal_detail"),
    path("signalen/<int:pk>/aanvullen/", views.signal_amend, name="signal_amend"),
    path("signalen/<int:pk>/meekijken/", views.signal_request_look_along, name="signal_request_look_along"),
    path("signalen/<int:pk>/dossier-openen/", views.signal_open_case, name="signal_open_case"),
    path("signalen/<int:pk>/toevoegen-aan-dossier/", views.signal_attach, name="signal_attach"),
    path("signalen/<int:pk>/geen-dossier/", views.signal_note, name="signal_note"),
    path("meekijken/<int:pk>/oppakken/", views.look_along_pick_up, name="look_along_pick_up"),
    path("inbox/", views.inbox, name="inbox"),
    path("adviesvragen/", views.advice_request_list, name="advice_request_list"),
    path("adviesvragen/nieuw/", views.advice_request_create, name="advice_request_create"),
    path("dossiers/", views.case_list, name="case_list"),
    path("dossiers/<int:pk>/", views.case_detail, name="case_detail"),
    path("dossiers/<int:pk>/signaal/", views.case_add_signal, name="case_add_signal"),
    path("dossiers/<int:pk>/consultatie/", views.consultation_create, name="consultation_create"),
    path("dossiers/<int:pk>/gesprek/", views.conversation_create, name="conversation_create"),
    path("dossiers/<int:pk>/gesprek-overslaan/", views.conversation_skip, name="conversation_skip"),
    path("dossiers/<int:pk>/gesprek-plannen/", views.conversation_plan, name="conversation_plan"),
    path("geplande-gesprekken/<int:pk>/annuleren/", views.conversation_plan_cancel, name="conversation_plan_cancel"),
    path("dossiers/<int:pk>/wegen/", views.weighing_create, name="weighing_create"),
    path("dossiers/<int:pk>/acuut/", views.acute, name="acute"),
    path("dossiers/<int:pk>/beslissen/", views.decision_create, name="decision_create"),
    path("dossiers/<int:pk>/beslissen/advies/", views.decision_advice, name="decision_advice"),
    path("dossiers/<int:pk>/melding/", views.report_edit, name="report_edit"),
    path("dossiers/<int:pk>/melding/gedaan/", views.report_made, name="report_made"),
    path("dossiers/<int:pk>/melding/afdrukken/", views.report_print, name="report_print"),
    path("dossiers/<int:pk>/afsluiten/", views.case_close, name="case_close"),
    path("dossiers/<int:pk>/heropenen/", views.case_reopen, name="case_reopen"),
    path("dossiers/<int:pk>/leden/", views.case_members, name="case_members"),
]
