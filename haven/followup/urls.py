from django.urls import path

from haven.followup import views

app_name = "followup"
urlpatterns = [
    path("meldingen/<int:pk>/terugkoppeling-afspraak/", views.feedback_agreement, name="feedback_agreement"),
    path("meldingen/<int:pk>/regie/", views.lead, name="lead"),
    path("meldingen/<int:pk>/terugkoppeling/", views.feedback, name="feedback"),
    path("dossiers/<int:pk>/hulpplan/", views.plan_create, name="plan_create"),
    path("evaluaties/<int:pk>/", views.evaluation, name="evaluation"),
]
