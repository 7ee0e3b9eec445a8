from django.urls import path

from haven.handover import views

app_name = "handover"
urlpatterns = [
    path("overdracht/meldingen/<int:pk>/", views.notice, name="notice"),
    path("overdracht/meldingen/<int:pk>/gelezen/", views.notice_read, name="notice_read"),
    path("overdracht/meldingen/<int:pk>/besluiten/", views.notice_decide, name="notice_decide"),
    path("dossiers/<int:pk>/overdracht/", views.package_create, name="package_create"),
    path("overdracht/pakketten/<int:pk>/", views.package_detail, name="package_detail"),
    path("overdracht/pakketten/<int:pk>/overdracht.pdf", views.package_pdf, name="package_pdf"),
    path("overdracht/pakketten/<int:pk>/overdracht.json", views.package_json, name="package_json"),
    path("overdracht/importeren/", views.package_import, name="package_import"),
    path("overdracht/importeren/<int:pk>/", views.import_confirm, name="import_confirm"),
    path("dossiers/<int:pk>/overdracht/haven/", views.transfer_create, name="transfer_create"),
    path("overdracht/verzonden/<int:pk>/", views.transfer_sent, name="transfer_sent"),
    path("overdracht/ontvangen/<int:pk>/", views.transfer_receive, name="transfer_receive"),
]
